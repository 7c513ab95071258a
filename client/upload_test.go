package client_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/ims-wizard/ims-wizard/client/clienttest"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/sandbox"
)

// uploadServer is an API the upload tests run against: the sandbox always,
// real Glance when IMS_TEST_GLANCE_URL is set (make test, .ci/glance run).
type uploadServer struct {
	name, url string
}

func uploadServers(t *testing.T) []uploadServer {
	t.Helper()
	srv := sandbox.New(sandbox.Options{})
	u, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	list := []uploadServer{{"sandbox", u}}
	if g := os.Getenv("IMS_TEST_GLANCE_URL"); g != "" {
		list = append(list, uploadServer{"glance", g})
	} else {
		// A skipped subtest, not a log line: the report shows the half
		// that did not run.
		t.Run("glance", func(t *testing.T) {
			t.Skip("IMS_TEST_GLANCE_URL not set: skipping the real-Glance half of the upload tests (make test starts Glance and sets it)")
		})
	}
	return list
}

func newClient(t testing.TB, cfg client.Config) *client.Client {
	t.Helper()
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func createQueued(t testing.TB, c *client.Client, prefix string) string {
	t.Helper()
	req := client.NewRequest()
	req.Name = fmt.Sprintf("%s-%d", prefix, time.Now().UnixNano())
	req.DiskFormat = "raw"
	res, err := c.Create(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if res.Image.Status != "queued" {
		t.Fatalf("new image is %s", res.Image.Status)
	}
	return res.Image.ID
}

// randomFile writes size random bytes to a new file and returns its path
// and MD5 (crypto/md5 over the written bytes).
func randomFile(t testing.TB, size int64) (string, string) {
	t.Helper()
	return clienttest.RandomFile(t, t.TempDir(), "image.raw", size)
}

func fileMD5(t testing.TB, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := md5.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

const testFileSize = 40 << 20

func TestUploadThenActiveWithMatchingChecksum(t *testing.T) {
	t.Parallel()
	path, written := randomFile(t, testFileSize)
	want := fileMD5(t, path)
	if want != written {
		t.Fatalf("file MD5 %s, written %s", want, written)
	}
	for _, s := range uploadServers(t) {
		t.Run(s.name, func(t *testing.T) {
			ctx := context.Background()
			c := newClient(t, client.Config{Endpoint: s.url})
			id := createQueued(t, c, "upload")

			check, err := c.CheckUpload(ctx, id, path)
			if err != nil {
				t.Fatal(err)
			}
			if check.Size != testFileSize || check.Image.Image.Status != "queued" {
				t.Fatalf("check: %+v", check)
			}

			var reports []client.UploadProgress
			res, err := c.UploadFile(ctx, id, path, func(p client.UploadProgress) { reports = append(reports, p) })
			if err != nil {
				t.Fatal(err)
			}
			if res.StatusCode != http.StatusNoContent || res.Bytes != testFileSize || res.MD5 != want {
				t.Fatalf("result %+v, want 204, %d bytes, MD5 %s", res, testFileSize, want)
			}
			if s.name == "glance" && res.RequestID == "" {
				t.Error("no request id")
			}
			if len(reports) < 2 {
				t.Fatalf("progress reported %d times", len(reports))
			}
			for i, p := range reports {
				if p.Total != testFileSize || (i > 0 && p.Sent < reports[i-1].Sent) {
					t.Fatalf("report %d: %+v after %+v", i, p, reports[max(i-1, 0)])
				}
			}
			if first, last := reports[0], reports[len(reports)-1]; first.Sent != 0 || last.Sent != testFileSize || last.Fraction() != 1 || last.ETA() != 0 || last.Rate <= 0 {
				t.Fatalf("first %+v last %+v", first, last)
			}

			var statuses []string
			got, err := c.WaitForStatus(ctx, id, 100*time.Millisecond, func(st string) { statuses = append(statuses, st) })
			if err != nil {
				t.Fatal(err)
			}
			img := got.Image
			if img.Status != "active" || statuses[len(statuses)-1] != "active" {
				t.Fatalf("status %s, seen %v", img.Status, statuses)
			}
			if img.Checksum != want || img.Size.Value != testFileSize {
				t.Fatalf("server checksum %q size %v, want %s and %d", img.Checksum, img.Size, want, testFileSize)
			}
			if checked, err := client.VerifyChecksum(img, res.MD5); !checked || err != nil {
				t.Fatalf("verify: %v %v", checked, err)
			}

			// Uploading again: the image is no longer queued.
			_, err = c.CheckUpload(ctx, id, path)
			var ue *client.UploadError
			if !errors.As(err, &ue) || ue.Reason != client.RefusedStatus || ue.Status != "active" ||
				!strings.Contains(err.Error(), client.StatusMeaning("active")) {
				t.Fatalf("second check: %v", err)
			}
			// And the server agrees (409 on both).
			_, err = c.UploadFile(ctx, id, path, nil)
			var ae *client.APIError
			if !errors.As(err, &ae) || ae.StatusCode != http.StatusConflict {
				t.Fatalf("second upload: %v", err)
			}
		})
	}
}

// cancelAfter is a body that cancels the upload once n bytes were read.
type cancelAfter struct {
	r      io.Reader
	n      int64
	read   int64
	cancel context.CancelFunc
	ctx    context.Context
}

func (c *cancelAfter) Read(b []byte) (int, error) {
	if c.read >= c.n {
		c.cancel()
		<-c.ctx.Done()
		return 0, c.ctx.Err()
	}
	n, err := c.r.Read(b)
	c.read += int64(n)
	return n, err
}

func TestUploadCanceledMidwayLeavesImageNotActive(t *testing.T) {
	t.Parallel()
	path, _ := randomFile(t, testFileSize)
	for _, s := range uploadServers(t) {
		t.Run(s.name, func(t *testing.T) {
			c := newClient(t, client.Config{Endpoint: s.url})
			id := createQueued(t, c, "cancel")
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var after atomic.Bool
			var returned atomic.Bool
			body := &cancelAfter{r: f, n: 8 << 20, cancel: cancel, ctx: ctx}
			_, err = c.Upload(ctx, id, body, testFileSize, func(client.UploadProgress) {
				if returned.Load() {
					after.Store(true)
				}
			})
			returned.Store(true)
			var ne *client.NetworkError
			if !errors.As(err, &ne) || ne.Kind != client.NetCanceled {
				t.Fatalf("want a canceled NetworkError, got %T %v", err, err)
			}
			// The server notices the dropped connection on its own time.
			var st string
			for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
				res, err := c.Get(context.Background(), id)
				if err != nil {
					t.Fatal(err)
				}
				if st = res.Image.Status; st != "saving" {
					break
				}
			}
			t.Logf("%s: after a canceled upload the image is %q", s.name, st)
			if st == "active" || st == "saving" {
				t.Fatalf("after a canceled upload the image is %s", st)
			}
			if s.name == "sandbox" && st != "queued" {
				t.Fatalf("the sandbox should put the image back to queued, got %s", st)
			}
			// Upload stops its reader under the reader's lock before it
			// returns, so no report can start after: the status polls
			// above gave a late one time to show.
			if after.Load() {
				t.Fatal("progress reported after Upload returned")
			}
		})
	}
}

func TestCheckUploadRefusals(t *testing.T) {
	t.Parallel()
	srv := sandbox.New(sandbox.Options{})
	sbURL, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	ctx := context.Background()
	c := newClient(t, client.Config{Endpoint: sbURL})
	id := createQueued(t, c, "refuse")
	dir := t.TempDir()

	refused := func(t *testing.T, c *client.Client, path string, reason client.UploadRefusal, words ...string) *client.UploadError {
		t.Helper()
		_, err := c.CheckUpload(ctx, id, path)
		var ue *client.UploadError
		if !errors.As(err, &ue) || ue.Reason != reason {
			t.Fatalf("want refusal %q, got %T %v", reason, err, err)
		}
		for _, w := range words {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("message lacks %q: %v", w, err)
			}
		}
		return ue
	}

	t.Run("missing file", func(t *testing.T) {
		missing := filepath.Join(dir, "nope.qcow2")
		ue := refused(t, c, missing, client.RefusedFile, missing, "does not exist")
		if !errors.Is(ue, os.ErrNotExist) {
			t.Error("should wrap os.ErrNotExist")
		}
	})
	t.Run("directory", func(t *testing.T) { refused(t, c, dir, client.RefusedFile, dir, "directory") })
	t.Run("empty file", func(t *testing.T) {
		empty := filepath.Join(dir, "empty")
		if err := os.WriteFile(empty, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		refused(t, c, empty, client.RefusedFile, "empty")
	})
	t.Run("not a regular file", func(t *testing.T) {
		if _, err := os.Stat("/dev/null"); err != nil {
			t.Skip("no /dev/null")
		}
		refused(t, c, "/dev/null", client.RefusedFile, "not a regular file")
	})

	small := filepath.Join(dir, "small")
	if err := os.WriteFile(small, []byte("data"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Run("unknown image is a 404", func(t *testing.T) {
		_, err := c.CheckUpload(ctx, "00000000-0000-0000-0000-000000000000", small)
		var ae *client.APIError
		if !errors.As(err, &ae) || ae.StatusCode != http.StatusNotFound {
			t.Fatalf("got %T %v", err, err)
		}
	})

	// A client that believes it talks to Huawei Cloud: its endpoint is
	// IMS's, and a proxy function sends every request to the sandbox.
	sb, _ := url.Parse(sbURL)
	huawei := newClient(t, client.Config{
		Endpoint: "http://ims.cn-north-4.myhuaweicloud.com",
		Proxy:    func(*http.Request) (*url.URL, error) { return sb, nil },
	})
	sparse := func(t *testing.T, size int64) string {
		p := filepath.Join(t.TempDir(), "sparse.img")
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		if err := os.Truncate(p, size); err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Run("2 GB on a Huawei endpoint", func(t *testing.T) {
		refused(t, huawei, sparse(t, client.HuaweiUploadLimit), client.RefusedHuaweiSize, "2 GB", "OBS")
	})
	t.Run("just under 2 GB on a Huawei endpoint passes", func(t *testing.T) {
		check, err := huawei.CheckUpload(ctx, id, sparse(t, client.HuaweiUploadLimit-1))
		if err != nil || check.Image.Image.ID != id {
			t.Fatalf("%v %+v", err, check)
		}
	})
	t.Run("2 GB elsewhere passes", func(t *testing.T) {
		if _, err := c.CheckUpload(ctx, id, sparse(t, client.HuaweiUploadLimit)); err != nil {
			t.Fatal(err)
		}
	})

	aksk := newClient(t, client.Config{Endpoint: sbURL, Auth: client.AKSKAuth{AK: "AKEXAMPLE0001", SK: "secret"}})
	t.Run("over 12 MB with AK/SK", func(t *testing.T) {
		refused(t, aksk, sparse(t, client.AKSKBodyLimit+1), client.RefusedAKSKSize, "12 MB", "OS_AUTH_TOKEN")
	})
	t.Run("12 MB with AK/SK passes", func(t *testing.T) {
		if _, err := aksk.CheckUpload(ctx, id, sparse(t, client.AKSKBodyLimit)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("over 12 MB with a token passes", func(t *testing.T) {
		tok := newClient(t, client.Config{Endpoint: sbURL, Auth: client.TokenAuth{Token: "t"}})
		if _, err := tok.CheckUpload(ctx, id, sparse(t, client.AKSKBodyLimit+1)); err != nil {
			t.Fatal(err)
		}
	})
}

func TestUploadSizeRules(t *testing.T) {
	t.Parallel()
	for endpoint, want := range map[string]bool{
		"https://ims.cn-north-4.myhuaweicloud.com":       true,
		"https://ims.ap-southeast-1.myhuaweicloud.com/":  true,
		"HTTPS://IMS.CN-NORTH-4.MYHUAWEICLOUD.COM:443/x": true,
		"https://ims.eu-west-101.myhuaweicloud.eu":       false,
		"https://myhuaweicloud.com.example.org":          false,
		"https://evilmyhuaweicloud.com":                  false,
		"http://127.0.0.1:9292":                          false,
		"::not a url":                                    false,
	} {
		if got := client.IsHuaweiEndpoint(endpoint); got != want {
			t.Errorf("IsHuaweiEndpoint(%q) = %v, want %v", endpoint, got, want)
		}
	}
	const hw = "https://ims.cn-north-4.myhuaweicloud.com"
	cases := []struct {
		endpoint string
		auth     client.AuthKind
		size     int64
		want     client.UploadRefusal // "" = allowed
	}{
		{hw, client.AuthToken, client.HuaweiUploadLimit - 1, ""},
		{hw, client.AuthToken, client.HuaweiUploadLimit, client.RefusedHuaweiSize},
		{hw, client.AuthPassword, 5 << 30, client.RefusedHuaweiSize},
		{"http://127.0.0.1:9292", client.AuthNone, 5 << 30, ""},
		{hw, client.AuthAKSK, client.AKSKBodyLimit, ""},
		{hw, client.AuthAKSK, client.AKSKBodyLimit + 1, client.RefusedAKSKSize},
		{"http://127.0.0.1:9292", client.AuthAKSK, client.AKSKBodyLimit + 1, client.RefusedAKSKSize},
		{hw, client.AuthAKSK, client.HuaweiUploadLimit, client.RefusedHuaweiSize},
	}
	for _, tc := range cases {
		err := client.CheckUploadSize(tc.endpoint, tc.auth, tc.size)
		var ue *client.UploadError
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s %s %d: refused: %v", tc.endpoint, tc.auth, tc.size, err)
		case tc.want != "" && (!errors.As(err, &ue) || ue.Reason != tc.want):
			t.Errorf("%s %s %d: got %v, want %s", tc.endpoint, tc.auth, tc.size, err, tc.want)
		}
	}
}

// The request on the wire: PUT, octet-stream, a Content-Length (never
// chunked) and, with AK/SK, a signature over an unsigned payload.
func TestUploadRequestShape(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got *http.Request
	var n int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, _ := io.Copy(io.Discard, r.Body)
		mu.Lock()
		got, n = r, c
		mu.Unlock()
		w.Header().Set("X-Openstack-Request-Id", "req-1")
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	c := newClient(t, client.Config{Endpoint: srv.URL + "/base", Auth: client.AKSKAuth{AK: "AKEXAMPLE0001", SK: "secret", ProjectID: "p1"}})
	data := strings.Repeat("x", 100_000)
	res, err := c.Upload(context.Background(), "id 1", strings.NewReader(data), int64(len(data)), nil)
	if err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum([]byte(data))
	if res.MD5 != hex.EncodeToString(sum[:]) || res.Bytes != int64(len(data)) || res.RequestID != "req-1" {
		t.Fatalf("%+v", res)
	}
	mu.Lock()
	defer mu.Unlock()
	checks := map[string][2]any{
		"method":            {got.Method, "PUT"},
		"path":              {got.URL.EscapedPath(), "/base/v2/images/id%201/file"},
		"content-type":      {got.Header.Get("Content-Type"), "application/octet-stream"},
		"content-length":    {got.ContentLength, int64(len(data))},
		"transfer-enc":      {strings.Join(got.TransferEncoding, ","), ""},
		"body":              {n, int64(len(data))},
		"x-sdk-content":     {got.Header.Get("X-Sdk-Content-Sha256"), "UNSIGNED-PAYLOAD"},
		"auth scheme":       {strings.HasPrefix(got.Header.Get("Authorization"), "SDK-HMAC-SHA256 "), true},
		"x-project-id":      {got.Header.Get("X-Project-Id"), "p1"},
		"signed header has": {strings.Contains(got.Header.Get("Authorization"), "x-sdk-content-sha256"), true},
	}
	for k, v := range checks {
		if fmt.Sprint(v[0]) != fmt.Sprint(v[1]) {
			t.Errorf("%s: got %v, want %v", k, v[0], v[1])
		}
	}
}

// The per-call timeout bounds stalls, not the whole upload: a slow but
// steady upload longer than the timeout succeeds; a stalled one fails with
// a timeout soon after the stall.
func TestUploadTimeoutIsIdleNotTotal(t *testing.T) {
	t.Parallel()
	const timeout = 2 * time.Second
	zeros := func(size int64) io.Reader { return io.LimitReader(zeroReader{}, size) }

	t.Run("steady", func(t *testing.T) {
		t.Parallel()
		// Slow and steady: 1 MiB every 25 ms, so the answer comes after
		// 127 pauses, 3.2 s at least. The idle timer only sees the
		// client's reads, and loopback socket buffers can hold ~10 MiB
		// the server has still to drain after the last one: 250 ms at
		// this pace, far inside the timeout even on a loaded machine.
		const size = 128 << 20
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			buf := make([]byte, 1<<20)
			for {
				_, err := io.ReadFull(r.Body, buf)
				if err != nil {
					break
				}
				time.Sleep(25 * time.Millisecond) // the server's pace, not a wait
			}
			w.WriteHeader(http.StatusNoContent)
		}))
		defer srv.Close()
		c := newClient(t, client.Config{Endpoint: srv.URL, Timeout: timeout})
		start := time.Now()
		res, err := c.Upload(context.Background(), "steady", zeros(size), size, nil)
		took := time.Since(start)
		if err != nil {
			t.Fatalf("steady upload failed after %s: %v", took, err)
		}
		if took <= timeout {
			t.Fatalf("steady upload took %s, not more than the %s timeout: the idle rule was not exercised", took, timeout)
		}
		if res.Bytes != size {
			t.Fatalf("%+v", res)
		}
	})

	t.Run("stalled", func(t *testing.T) {
		t.Parallel()
		release := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			buf := make([]byte, 1<<20)
			_, _ = io.ReadFull(r.Body, buf)
			select { // then read nothing more
			case <-release:
			case <-time.After(20 * time.Second):
			}
		}))
		defer srv.Close()
		defer close(release)
		c := newClient(t, client.Config{Endpoint: srv.URL, Timeout: timeout})
		start := time.Now()
		_, err := c.Upload(context.Background(), "stall", zeros(48<<20), 48<<20, nil)
		took := time.Since(start)
		var ne *client.NetworkError
		if !errors.As(err, &ne) || ne.Kind != client.NetTimeout || !strings.Contains(ne.Advice.Text(nil), "stalls") {
			t.Fatalf("stalled upload: %T %v", err, err)
		}
		if took > 10*time.Second {
			t.Fatalf("stall noticed only after %s", took)
		}
	})
}

// An IAM token that expired mid-session: the PUT gets 401, the client logs
// in again and sends the file again from its start (a file can be rewound).
func TestUploadReauthenticatesOnceOn401(t *testing.T) {
	t.Parallel()
	var logins atomic.Int32
	iam := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Subject-Token", fmt.Sprintf("token-%d", logins.Add(1)))
		w.WriteHeader(http.StatusCreated)
	}))
	defer iam.Close()
	var puts atomic.Int32
	var mu sync.Mutex
	var got []byte
	ims := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		puts.Add(1)
		if r.Header.Get("X-Auth-Token") != "token-2" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = b
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer ims.Close()
	path, sum := randomFile(t, 3<<20)
	auth := &client.PasswordAuth{User: "u", Password: "p", Domain: "d", Project: "p", TokenURL: iam.URL}
	c := newClient(t, client.Config{Endpoint: ims.URL, Auth: auth})
	res, err := c.UploadFile(context.Background(), "img", path, nil)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if logins.Load() != 2 || puts.Load() != 2 || res.MD5 != sum || res.Bytes != 3<<20 || len(got) != 3<<20 {
		t.Fatalf("logins %d puts %d result %+v, server got %d bytes", logins.Load(), puts.Load(), res, len(got))
	}
	if h := md5.Sum(got); hex.EncodeToString(h[:]) != sum {
		t.Fatal("the server got other bytes than the file")
	}
}

type zeroReader struct{}

func (zeroReader) Read(b []byte) (int, error) {
	clear(b)
	return len(b), nil
}

func TestWaitForStatusReportsChanges(t *testing.T) {
	t.Parallel()
	seq := []string{"queued", "saving", "saving", "saving", "active"}
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(calls.Add(1)) - 1
		st := seq[min(i, len(seq)-1)]
		if strings.HasSuffix(r.URL.Path, "/forever") {
			st = "saving"
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id": "x", "status": %q, "checksum": "abc"}`, st)
	}))
	defer srv.Close()
	c := newClient(t, client.Config{Endpoint: srv.URL})
	var seen []string
	res, err := c.WaitForStatus(context.Background(), "x", 10*time.Millisecond, func(s string) { seen = append(seen, s) })
	if err != nil || res.Image.Status != "active" || strings.Join(seen, ">") != "queued>saving>active" {
		t.Fatalf("%v %v %v", res, err, seen)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	res, err = c.WaitForStatus(ctx, "forever", 10*time.Millisecond, nil)
	if !errors.Is(err, context.DeadlineExceeded) || res == nil || res.Image.Status != "saving" {
		t.Fatalf("%v %v", res, err)
	}
}

func TestVerifyChecksum(t *testing.T) {
	t.Parallel()
	img := &client.Image{ID: "i", Checksum: "ABCDEF"}
	if ok, err := client.VerifyChecksum(img, "abcdef"); !ok || err != nil {
		t.Fatal(ok, err)
	}
	ok, err := client.VerifyChecksum(img, "012345")
	var ue *client.UploadError
	if !ok || !errors.As(err, &ue) || ue.Reason != client.RefusedChecksum || !strings.Contains(err.Error(), "012345") {
		t.Fatal(ok, err)
	}
	if ok, err := client.VerifyChecksum(&client.Image{}, "abc"); ok || err != nil {
		t.Fatal(ok, err)
	}
}

// BenchmarkUploadMemory uploads sparse files of two sizes to the sandbox
// (in-process: its allocations count too) and reports the bytes allocated
// per upload. Flat memory means the two figures are about equal: nothing is
// allocated in proportion to the file.
func BenchmarkUploadMemory(b *testing.B) {
	srv := sandbox.New(sandbox.Options{})
	u, err := srv.Start("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	c := newClient(b, client.Config{Endpoint: u})
	for _, size := range []int64{16 << 20, 256 << 20} {
		b.Run(fmt.Sprintf("file=%dMiB", size>>20), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "sparse.img")
			if f, err := os.Create(path); err != nil {
				b.Fatal(err)
			} else {
				f.Close()
			}
			if err := os.Truncate(path, size); err != nil {
				b.Fatal(err)
			}
			var total uint64
			var ms runtime.MemStats
			b.SetBytes(size)
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				id := createQueued(b, c, "bench")
				runtime.ReadMemStats(&ms)
				before := ms.TotalAlloc
				b.StartTimer()
				if _, err := c.UploadFile(context.Background(), id, path, func(client.UploadProgress) {}); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				runtime.ReadMemStats(&ms)
				total += ms.TotalAlloc - before
				b.StartTimer()
			}
			b.ReportMetric(float64(total)/float64(b.N), "alloc-B/upload")
			b.ReportMetric(float64(total)/float64(b.N)/float64(size>>20), "alloc-B/MiB")
		})
	}
}
