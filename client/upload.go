package client

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ims-wizard/ims-wizard/client/l10n"
	"github.com/ims-wizard/ims-wizard/client/localfile"
)

// Upload limits (ims-api.md, "Upload" and "Authentication").
const (
	// HuaweiUploadLimit: Huawei's PUT /v2/images/{id}/file takes files
	// under 2 GB; bigger ones go to OBS and are registered from there.
	HuaweiUploadLimit int64 = 2 << 30
	// AKSKBodyLimit: AK/SK signing covers request bodies up to 12 MB.
	AKSKBodyLimit int64 = 12 << 20
)

// progressInterval is the least time between two progress reports.
const progressInterval = 100 * time.Millisecond

// UploadProgress is a snapshot of an upload in progress.
type UploadProgress struct {
	Sent    int64         // bytes handed to the connection so far
	Total   int64         // the file's size
	Elapsed time.Duration // since the upload started
	Rate    float64       // bytes per second, averaged since the start
}

// ETA is the estimated time left at the current rate; 0 when unknown or done.
func (p UploadProgress) ETA() time.Duration {
	if p.Rate <= 0 || p.Sent >= p.Total {
		return 0
	}
	return time.Duration(float64(p.Total-p.Sent) / p.Rate * float64(time.Second))
}

// Fraction is Sent/Total in [0, 1] (1 for an empty file).
func (p UploadProgress) Fraction() float64 {
	if p.Total <= 0 {
		return 1
	}
	return float64(p.Sent) / float64(p.Total)
}

// UploadResult is a successful PUT /v2/images/{id}/file.
type UploadResult struct {
	MD5        string        // hex MD5 of the bytes sent, computed while streaming
	Bytes      int64         // bytes sent
	StatusCode int           // 204 from Glance and IMS
	RequestID  string        // the server's request id, to quote
	Latency    time.Duration // from the first byte sent to the answer
}

// Rate is the average throughput in bytes per second.
func (r *UploadResult) Rate() float64 {
	if r.Latency <= 0 {
		return 0
	}
	return float64(r.Bytes) / r.Latency.Seconds()
}

// UploadRefusal names why CheckUpload refused an upload.
type UploadRefusal string

const (
	RefusedFile       UploadRefusal = "file"         // missing, not a regular file, unreadable, empty
	RefusedStatus     UploadRefusal = "status"       // the image is not queued
	RefusedHuaweiSize UploadRefusal = "huawei-size"  // 2 GB and more on a Huawei endpoint
	RefusedAKSKSize   UploadRefusal = "aksk-size"    // over 12 MB with AK/SK signing
	RefusedChecksum   UploadRefusal = "checksum"     // the server's checksum is not the local MD5
	RefusedFailed     UploadRefusal = "upload-state" // the server ended the image killed (or deleted)
	RefusedChanged    UploadRefusal = "file-changed" // the file grew, shrank or was written to while it was sent
)

// UploadError is an upload that must not be sent (or, for RefusedChecksum
// and RefusedFailed, whose outcome is wrong): the user's input or the
// image's state, worded for the user, with what to do next.
type UploadError struct {
	Reason UploadRefusal
	// Msg is what is wrong and Advice what to do. Message and Hint, when
	// set (already in the reader's language), replace them.
	Msg     Msg
	Advice  Msg
	Message string
	Hint    string
	Status  string // the image's status, for RefusedStatus and RefusedFailed
	Err     error  // the underlying error, if any (os.ErrNotExist…)
}

// Error is the message and what to do in English, inert (a path or the
// server's status may be in them; an error may be printed with %v
// anywhere).
func (e *UploadError) Error() string { return e.Localize(nil) }

// Localize is Error in loc's language.
func (e *UploadError) Localize(loc *l10n.Localizer) string {
	msg, hint := pick(e.Message, e.Msg, loc), pick(e.Hint, e.Advice, loc)
	if hint == "" {
		return Inert(msg)
	}
	return Inert(msg + "; " + hint)
}

func (e *UploadError) Unwrap() error { return e.Err }

// IsHuaweiEndpoint reports whether an endpoint URL is Huawei Cloud's (its
// host ends with .myhuaweicloud.com), where Huawei's upload limits apply.
func IsHuaweiEndpoint(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil {
		return false
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	return host == "myhuaweicloud.com" || strings.HasSuffix(host, ".myhuaweicloud.com")
}

// CheckUploadSize applies the size rules of an upload of size bytes to
// endpoint with auth: on a Huawei endpoint files of 2 GB (HuaweiUploadLimit)
// and more go through OBS instead; with AK/SK signing the body may not
// exceed 12 MB (AKSKBodyLimit). It returns nil or an *UploadError.
func CheckUploadSize(endpoint string, auth AuthKind, size int64) error {
	if IsHuaweiEndpoint(endpoint) && size >= HuaweiUploadLimit {
		return &UploadError{
			Reason: RefusedHuaweiSize,
			Msg:    NewMsg("explain.upload.huawei_size", l10n.Args{"Size": FormatBytes(size)}),
			Advice: NewMsg("explain.upload.huawei_size_hint"),
		}
	}
	if auth == AuthAKSK && size > AKSKBodyLimit {
		return &UploadError{
			Reason: RefusedAKSKSize,
			Msg:    NewMsg("explain.upload.aksk_size", l10n.Args{"Size": FormatBytes(size)}),
			Advice: NewMsg("explain.upload.aksk_size_hint"),
		}
	}
	return nil
}

// checkFile checks that path is a regular, readable, non-empty file and
// returns its size.
func checkFile(path string) (int64, error) {
	shown := Inert(path)
	fi, err := os.Stat(path)
	if err != nil {
		msg := NewMsg("explain.upload.unreadable", l10n.Args{"Path": shown, "Err": Inert(fmt.Sprint(errors.Unwrap(err)))})
		if errors.Is(err, os.ErrNotExist) {
			msg = NewMsg("explain.upload.missing", l10n.Args{"Path": shown})
		}
		return 0, &UploadError{Reason: RefusedFile, Msg: msg, Err: err}
	}
	switch {
	case fi.IsDir():
		return 0, &UploadError{Reason: RefusedFile, Msg: NewMsg("explain.upload.directory", l10n.Args{"Path": shown})}
	case !fi.Mode().IsRegular():
		return 0, &UploadError{Reason: RefusedFile, Msg: NewMsg("explain.upload.not_regular", l10n.Args{"Path": shown, "Kind": fileKind(fi.Mode())}),
			Advice: NewMsg("explain.upload.not_regular_hint")}
	case fi.Size() == 0:
		return 0, &UploadError{Reason: RefusedFile, Msg: NewMsg("explain.upload.empty", l10n.Args{"Path": shown})}
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, &UploadError{Reason: RefusedFile, Msg: NewMsg("explain.upload.unreadable", l10n.Args{"Path": shown, "Err": Inert(fmt.Sprint(errors.Unwrap(err)))}), Err: err}
	}
	f.Close()
	return fi.Size(), nil
}

// fileKind names a file's type in the reader's language, as a Msg
// parameter: "a named pipe (FIFO)".
type fileKind fs.FileMode

func (k fileKind) Text(loc *l10n.Localizer) string { return localfile.Kind(loc, fs.FileMode(k)) }

// UploadCheck is what CheckUpload found.
type UploadCheck struct {
	Path  string
	Size  int64
	Image *Result // the image as read just now (queued)
}

// CheckUpload is the pre-flight of an upload, in this order, stopping at
// the first refusal: path is a regular, readable, non-empty file; its size
// passes CheckUploadSize for this client's endpoint and credentials; the
// image exists (GET) and is queued. Refusals are *UploadError; a failed GET
// is an *APIError (404: no such image) or a *NetworkError.
func (c *Client) CheckUpload(ctx context.Context, id, path string) (*UploadCheck, error) {
	size, err := checkFile(path)
	if err != nil {
		return nil, err
	}
	if err := CheckUploadSize(c.Endpoint(), c.AuthInfo().Kind, size); err != nil {
		return nil, err
	}
	res, err := c.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if st := res.Image.Status; st != "queued" {
		return nil, &UploadError{
			Reason: RefusedStatus,
			Status: st,
			Msg:    NewMsg("explain.upload.not_queued", l10n.Args{"ID": Inert(id), "Status": Inert(st), "Meaning": statusMeaningMsg(st)}),
			Advice: statusHint(st),
		}
	}
	return &UploadCheck{Path: path, Size: size, Image: res}, nil
}

func statusHint(status string) Msg {
	switch status {
	case "active":
		return NewMsg("explain.upload.active_hint")
	case "saving":
		return NewMsg("explain.upload.saving_hint")
	case "killed":
		return NewMsg("explain.upload.killed_hint")
	case "deleted":
		return NewMsg("explain.upload.deleted_hint")
	}
	return NewMsg("explain.upload.other_status_hint")
}

// UploadFile uploads the file at path to image id: it opens the file, takes
// its size, and calls Upload. It does not run CheckUpload.
func (c *Client) UploadFile(ctx context.Context, id, path string, progress func(UploadProgress)) (*UploadResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &UploadError{Reason: RefusedFile, Msg: NewMsg("explain.upload.unreadable", l10n.Args{"Path": Inert(path), "Err": Inert(fmt.Sprint(errors.Unwrap(err)))}), Err: err}
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &UploadError{Reason: RefusedFile, Msg: NewMsg("explain.upload.not_regular", l10n.Args{"Path": Inert(path), "Kind": fileKind(fi.Mode())})}
	}
	res, err := c.Upload(ctx, id, f, fi.Size(), progress)
	var changed *fileChangedError
	if errors.As(err, &changed) {
		return nil, changed.uploadError(path)
	}
	// Sent whole, but written to meanwhile: what the server has may not
	// be the file as it is now.
	if after, serr := f.Stat(); err == nil && serr == nil && (after.Size() != fi.Size() || !after.ModTime().Equal(fi.ModTime())) {
		return nil, (&fileChangedError{sent: res.Bytes, total: fi.Size(), now: after.Size()}).uploadError(path)
	}
	return res, err
}

// fileChangedError is a body that did not have the size promised in
// Content-Length: the file shrank (sent < total) or grew (now > total)
// while it was sent, or was written to (mtime) without changing size.
type fileChangedError struct {
	sent, total, now int64
}

func (e *fileChangedError) Error() string { return e.msg().Text(nil) }

func (e *fileChangedError) msg() Msg {
	if e.now > e.total {
		return NewMsg("security.upload.grew", l10n.Args{"Total": e.total})
	}
	return NewMsg("security.upload.changed", l10n.Args{"Sent": e.sent, "Total": e.total})
}

func (e *fileChangedError) uploadError(path string) *UploadError {
	return &UploadError{Reason: RefusedChanged, Msg: e.msg(), Advice: NewMsg("security.upload.changed_hint"), Err: e}
}

// Upload sends PUT /v2/images/{id}/file with the size bytes read from body,
// as application/octet-stream with a Content-Length (not chunked). The body
// is streamed: memory stays flat whatever the size. Its MD5 is computed
// while streaming (io.TeeReader into crypto/md5).
//
// Timeout: the client's per-call timeout would kill any upload that takes
// longer than it, so here it bounds the time without progress instead: an
// idle timer, reset each time the connection takes more of the body (and
// when the answer arrives), ends the upload only when nothing moved for
// Timeout. The whole transfer is bounded by ctx alone.
//
// progress, if not nil, is called at most every 100 ms and once when the
// last byte is sent, from the goroutine that sends the body, never
// concurrently with itself and never after Upload returns.
//
// AK/SK credentials sign the request with an unsigned payload
// (X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD): the body is not hashed for the
// signature. With IAM password credentials, a 401 (expired token) is
// retried once with a fresh login when body is an io.Seeker (sent again
// from the offset it had when Upload was called).
//
// Errors: *APIError (the server answered otherwise than 2xx),
// *NetworkError (no answer; NetCanceled when ctx was canceled, NetTimeout
// when nothing moved for Timeout).
func (c *Client) Upload(ctx context.Context, id string, body io.Reader, size int64, progress func(UploadProgress)) (*UploadResult, error) {
	if size < 0 {
		return nil, fmt.Errorf("upload: negative size %d", size)
	}
	// Where the body starts, to send it again after a fresh login.
	seeker, seekable := body.(io.Seeker)
	var offset int64
	if seekable {
		var err error
		if offset, err = seeker.Seek(0, io.SeekCurrent); err != nil {
			seekable = false
		}
	}
	res, bodyClosed, err := c.uploadOnce(ctx, id, body, size, progress)
	var ae *APIError
	if re, ok := c.cfg.Auth.(Reauthenticator); ok && seekable && errors.As(err, &ae) && ae.StatusCode == http.StatusUnauthorized {
		// Rewind only once the transport is done with the body: it may
		// still be reading it after the answer arrived.
		select {
		case <-bodyClosed:
		case <-time.After(5 * time.Second):
			seekable = false
		}
		if seekable {
			if _, serr := seeker.Seek(offset, io.SeekStart); serr == nil && re.Invalidate() {
				res, _, err = c.uploadOnce(ctx, id, body, size, progress)
			}
		}
	}
	return res, err
}

// uploadOnce is one PUT. bodyClosed is closed when the transport has
// finished with the body (it may read on after the answer arrived).
func (c *Client) uploadOnce(parent context.Context, id string, body io.Reader, size int64, progress func(UploadProgress)) (_ *UploadResult, bodyClosed <-chan struct{}, _ error) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	// The idle timer: see Upload's comment. It cancels the request when it
	// fires; stalled records that it did, to report a timeout, not a
	// cancellation.
	timeout := c.cfg.Timeout
	var stalled atomic.Bool
	idle := time.AfterFunc(timeout, func() {
		stalled.Store(true)
		cancel()
	})
	defer idle.Stop()

	full := c.endpointURL(nil, "v2", "images", id, "file").String()
	method := http.MethodPut

	pr := &progressReader{
		total: size, hash: md5.New(), idle: idle, timeout: timeout, progress: progress,
		closed: make(chan struct{}),
	}
	pr.body, pr.tee = body, io.TeeReader(body, (*lockedHash)(pr))
	req, err := c.newRequest(ctx, method, full, "application/octet-stream", nil)
	if err != nil {
		return nil, closedChan, err
	}
	req.ContentLength = size
	req.Body = pr
	if size == 0 {
		req.Body = http.NoBody
		pr.Close() // the transport never sees pr
	}
	// nil body: AK/SK signs an unsigned payload for octet-stream.
	if err := c.cfg.Auth.Authorize(ctx, c.hc, req, nil); err != nil {
		if stalled.Load() {
			return nil, closedChan, stallError(method, full, false, timeout)
		}
		return nil, closedChan, c.redactor().err(err)
	}

	req, wrote := trackSent(req)
	c.traceRequest(req, nil)
	if c.cfg.Debug != nil {
		fmt.Fprintf(c.cfg.Debug, ">\n> (%d bytes of application/octet-stream, streamed)\n", size)
	}
	idle.Reset(timeout)
	start := time.Now()
	pr.start(start)
	resp, err := c.hc.Do(req)
	if err != nil {
		pr.stop()
		var redirect *RedirectError
		var changed *fileChangedError
		switch {
		case errors.As(err, &redirect):
			// A 302 would turn the PUT into a GET whose 200 looks like an
			// upload; nothing is followed.
			return nil, pr.closed, redirect
		case errors.As(err, &changed):
			return nil, pr.closed, changed
		}
		if stalled.Load() {
			return nil, pr.closed, stallError(method, full, pr.sentBytes() > 0, timeout)
		}
		return nil, pr.closed, classifyNetworkError(method, full, err, wrote.Load() || pr.sentBytes() > 0, timeout)
	}
	defer resp.Body.Close()
	if err := c.redirectAnswer(req, resp); err != nil {
		pr.stop()
		return nil, pr.closed, err
	}
	idle.Reset(timeout)
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	limit := int64(maxErrorBody)
	raw, readErr := io.ReadAll(io.LimitReader(resp.Body, limit))
	latency := time.Since(start)
	sent, sum := pr.stop()
	c.traceResponse(resp, raw, latency)
	if !ok {
		e := c.apiError(method, full, resp, raw)
		e.Advice = uploadHint(resp.StatusCode, e.Advice)
		return nil, pr.closed, e
	}
	if readErr != nil && stalled.Load() {
		return nil, pr.closed, stallError(method, full, true, timeout)
	}
	// A success without the whole body sent cannot happen with a correct
	// server; say so rather than report a wrong MD5.
	if sent != size {
		return nil, pr.closed, &APIError{Method: method, URL: full, StatusCode: resp.StatusCode, Meaning: StatusText(resp.StatusCode),
			Note:      NewMsg("explain.upload.answered_early", l10n.Args{"Status": resp.StatusCode, "Sent": sent, "Size": size}),
			RequestID: requestID(resp.Header), Advice: NewMsg("explain.upload.answered_early_hint"), Body: raw}
	}
	return &UploadResult{MD5: sum, Bytes: sent, StatusCode: resp.StatusCode, RequestID: requestID(resp.Header), Latency: latency}, pr.closed, nil
}

// stallError reports an upload ended by the idle timer.
func stallError(method, full string, sent bool, timeout time.Duration) *NetworkError {
	ne := classifyNetworkError(method, full, NewError(context.DeadlineExceeded, "explain.upload.no_progress", l10n.Args{"Timeout": timeout.String()}), sent, timeout)
	ne.Kind = NetTimeout
	ne.Advice = NewMsg("explain.upload.stalled_hint", l10n.Args{"Timeout": timeout.String()})
	return ne
}

func uploadHint(code int, fallback Msg) Msg {
	switch code {
	case http.StatusConflict:
		return NewMsg("explain.upload.409_hint")
	case http.StatusRequestEntityTooLarge:
		return NewMsg("explain.upload.413_hint")
	case http.StatusUnsupportedMediaType:
		return NewMsg("explain.upload.415_hint")
	}
	return fallback
}

// progressReader is the request body: it feeds the MD5 (the io.TeeReader
// of the issue, written out so that the hash is read under the same lock),
// counts bytes, resets the idle timer and reports progress. The lock makes
// the hash safe to read after Do returns, even if the transport's writer
// goroutine has not closed the body yet.
type progressReader struct {
	body     io.Reader // the file
	tee      io.Reader // the body teed into hash, built once: no allocation per read
	total    int64
	idle     *time.Timer
	timeout  time.Duration
	progress func(UploadProgress)

	mu       sync.Mutex
	hash     hash.Hash
	sent     int64
	began    time.Time
	reported time.Time
	stopped  bool

	closed    chan struct{} // closed by Close
	closeOnce sync.Once
}

func (p *progressReader) start(t time.Time) {
	p.mu.Lock()
	p.began, p.reported = t, t
	p.mu.Unlock()
	p.report(true)
}

func (p *progressReader) Read(b []byte) (int, error) {
	p.mu.Lock()
	if p.stopped {
		p.mu.Unlock()
		return 0, errors.New("upload ended")
	}
	left := p.total - p.sent
	p.mu.Unlock()
	if left <= 0 {
		// The transport reads past Content-Length to check that the body
		// ends there: one more byte means the file grew.
		var probe [1]byte
		if n, _ := p.body.Read(probe[:]); n > 0 {
			return 0, &fileChangedError{sent: p.total, total: p.total, now: p.total + 1}
		}
		return 0, io.EOF
	}
	if int64(len(b)) > left {
		b = b[:left]
	}
	n, err := p.tee.Read(b)
	if err == io.EOF && int64(n) < left {
		// Shorter than promised: the file shrank while it was sent.
		err = &fileChangedError{sent: p.total - left + int64(n), total: p.total}
	}
	if n > 0 {
		p.idle.Reset(p.timeout)
		p.mu.Lock()
		p.sent += int64(n)
		p.mu.Unlock()
		p.report(false)
	}
	return n, err
}

// lockedHash writes into the reader's hash under its lock.
type lockedHash progressReader

func (l *lockedHash) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stopped {
		return 0, errors.New("upload ended")
	}
	return l.hash.Write(b)
}

func (p *progressReader) report(first bool) {
	if p.progress == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if p.stopped || (!first && p.sent < p.total && now.Sub(p.reported) < progressInterval) {
		return
	}
	p.reported = now
	elapsed := now.Sub(p.began)
	var rate float64
	if elapsed > 0 {
		rate = float64(p.sent) / elapsed.Seconds()
	}
	p.progress(UploadProgress{Sent: p.sent, Total: p.total, Elapsed: elapsed, Rate: rate})
}

func (p *progressReader) sentBytes() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.sent
}

// stop ends reporting and returns the bytes read and their MD5.
func (p *progressReader) stop() (int64, string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stopped = true
	return p.sent, hex.EncodeToString(p.hash.Sum(nil))
}

// Close is called by the transport when it is done with the body.
func (p *progressReader) Close() error {
	p.closeOnce.Do(func() { close(p.closed) })
	return nil
}

// closedChan is an already closed channel, for errors before the request
// had a body.
var closedChan = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// WaitForStatus polls GET /v2/images/{id} every interval until the image is
// active, killed or deleted (a status it does not leave), or ctx is done.
// onStatus, if not nil, is called with the first status read and with each
// change. The last image read is returned with a nil error for any final
// status: the caller checks Image.Status. When ctx ends first it returns the
// last image read (nil if none) and ctx's error; a failed GET ends the wait
// with that error.
func (c *Client) WaitForStatus(ctx context.Context, id string, interval time.Duration, onStatus func(status string)) (*Result, error) {
	if interval <= 0 {
		interval = time.Second
	}
	var last *Result
	seen := ""
	for {
		res, err := c.Get(ctx, id)
		if err != nil {
			if ctx.Err() != nil {
				return last, ctx.Err()
			}
			return last, err
		}
		last = res
		if st := res.Image.Status; st != seen {
			seen = st
			if onStatus != nil {
				onStatus(st)
			}
		}
		switch res.Image.Status {
		case "active", "killed", "deleted":
			return res, nil
		}
		t := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return last, ctx.Err()
		case <-t.C:
		}
	}
}

// VerifyChecksum compares the server's checksum of an uploaded image with
// the local MD5. It returns nil when they match, an *UploadError
// (RefusedChecksum) when they differ, and nil with checked=false when the
// server reports no checksum.
func VerifyChecksum(img *Image, localMD5 string) (checked bool, err error) {
	if img.Checksum == "" {
		return false, nil
	}
	if strings.EqualFold(img.Checksum, localMD5) {
		return true, nil
	}
	return true, &UploadError{
		Reason: RefusedChecksum,
		Status: img.Status,
		Msg:    NewMsg("explain.upload.checksum", l10n.Args{"ID": Inert(img.ID), "Checksum": Inert(img.Checksum), "MD5": localMD5}),
		Advice: NewMsg("explain.upload.checksum_hint"),
	}
}

// FormatBytes is a size in binary units for people: 512 B, 40.0 MiB, 2.0 GiB.
func FormatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
