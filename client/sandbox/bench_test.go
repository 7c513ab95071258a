package sandbox_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/sandbox"
)

// stateSize is the large state of the budget: a create with this many images
// stored must cost at most createBudget times one on an empty state.
const (
	stateSize    = 10000
	createBudget = 2.0
)

// BenchmarkCreateWithManyImages times POST /v2/images (a whole HTTP create,
// through the client) on an empty state and on one holding 10,000 images,
// alternately, and reports both and their ratio. Each created image is
// deleted, untimed, so the two states keep their sizes.
func BenchmarkCreateWithManyImages(b *testing.B) {
	ctx := context.Background()
	type target struct {
		c   *client.Client
		url string
	}
	open := func(fill int) target {
		dir := b.TempDir()
		srv, err := sandbox.Open(sandbox.Options{Dir: dir})
		if err != nil {
			b.Fatal(err)
		}
		if err := sandbox.FillState(dir, fill); err != nil {
			b.Fatal(err)
		}
		url, err := srv.Start("127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { srv.Close() })
		c, err := client.New(client.Config{Endpoint: url})
		if err != nil {
			b.Fatal(err)
		}
		return target{c, url}
	}
	empty, full := open(0), open(stateSize)
	req := client.SeedExample()
	create := func(t target) time.Duration {
		began := time.Now()
		res, err := t.c.Create(ctx, req)
		took := time.Since(began)
		if err != nil {
			b.Fatal(err)
		}
		del, _ := http.NewRequest(http.MethodDelete, t.url+"/v2/images/"+res.Image.ID, nil)
		resp, err := http.DefaultClient.Do(del)
		if err != nil || resp.StatusCode != http.StatusNoContent {
			b.Fatalf("DELETE: %v %v", resp, err)
		}
		resp.Body.Close()
		return took
	}
	create(empty) // warm-up: connections, page cache
	create(full)
	var onEmpty, onFull time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%2 == 0 {
			onEmpty += create(empty)
			onFull += create(full)
		} else {
			onFull += create(full)
			onEmpty += create(empty)
		}
	}
	b.StopTimer()
	ratio := float64(onFull) / float64(onEmpty)
	b.ReportMetric(float64(onEmpty.Microseconds())/float64(b.N), "µs/create-empty")
	b.ReportMetric(float64(onFull.Microseconds())/float64(b.N), "µs/create-10k")
	b.ReportMetric(ratio, "ratio")
	if b.N >= 100 && ratio > createBudget {
		b.Errorf("a create with %d images stored takes %.2f× one on an empty state; the budget is %.1f×", stateSize, ratio, createBudget)
	}
}

// BenchmarkListWithManyImages is GET /v2/images (one page of 25, newest
// first) on a state of 10,000 images: a listing reads every record, so its
// cost grows with the state, unlike a create's.
func BenchmarkListWithManyImages(b *testing.B) {
	dir := b.TempDir()
	srv, err := sandbox.Open(sandbox.Options{Dir: dir})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	if err := sandbox.FillState(dir, stateSize); err != nil {
		b.Fatal(err)
	}
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	list := func() {
		resp, err := http.Get(url + "/v2/images")
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("list: %v %v", resp, err)
		}
		resp.Body.Close()
	}
	// The first listing reads every record; the next ones, the state
	// being unchanged, what it read (ns/op).
	began := time.Now()
	list()
	first := time.Since(began)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		list()
	}
	b.StopTimer()
	b.ReportMetric(float64(first.Microseconds())/1000, "ms/first-list")
}
