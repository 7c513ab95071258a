// Package sandbox is an in-process emulator of Huawei Cloud IMS's native
// OpenStack image API: the calls ims-wizard makes (create, read, list, the OS
// catalogue, the file upload), answered with the shapes and status codes of
// the seed document and of Glance v2, so the tool can be tried and tested
// without a cloud account.
//
// It is deliberately smaller than IMS: images live in memory, there is no
// authentication (any token is ignored), no quota (IMG.0015), no DELETE or
// PATCH, and duplicate names are allowed as in Glance (IMS's IMG.0009 "name
// already exists" is not emulated). Requests are checked with the client's
// own rules (client.Request.Validate), so where those are stricter than IMS
// (a name is required) the sandbox is too.
package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/ims-wizard/ims-wizard/client"
)

// Options configure a Server; the zero value is a usable sandbox.
type Options struct {
	Catalog *client.Catalog  // nil = client.EmbeddedCatalog()
	Owner   string           // project id shown as owner; default DefaultOwner
	Delay   time.Duration    // artificial latency before answering POST /v2/images (tests of cancellation, demos)
	Clock   func() time.Time // nil = time.Now, for deterministic tests
	NewID   func() string    // nil = random UUIDv4
	Log     io.Writer        // optional one-line access log
}

// DefaultOwner is the project id of the seed's example response, so that a
// sandbox answer reads like the documentation.
const DefaultOwner = "b912fb4a4c464b568ecfca1071b21b10"

// closeGrace is how long Close lets requests in progress (an upload) finish
// before it cuts their connections.
const closeGrace = 2 * time.Second

// Server is the emulator. It is an http.Handler, usable under any server
// (httptest included), or served on its own listener with Start.
type Server struct {
	catalog    *client.Catalog
	osVersions []osVersionGroup // GET /v1/cloudimages/os_version, built once
	owner      string
	delay      time.Duration
	now        func() time.Time
	newID      func() string
	log        io.Writer
	logMu      sync.Mutex // the writer need not be safe for concurrent use

	mu     sync.Mutex // guards everything below and every *image
	images map[string]*image
	seq    uint64 // creation order, to sort images created in the same second
	closed bool
	http   *http.Server
	url    string

	quit     chan struct{}  // closed by Close: wakes delayed creates
	inflight sync.WaitGroup // requests being handled, for Close to wait on
}

// New builds a sandbox; it serves nothing until Start or until mounted as a
// handler.
func New(opts Options) *Server {
	s := &Server{
		catalog: opts.Catalog,
		owner:   opts.Owner,
		delay:   opts.Delay,
		now:     opts.Clock,
		newID:   opts.NewID,
		log:     opts.Log,
		images:  map[string]*image{},
		quit:    make(chan struct{}),
	}
	if s.catalog == nil {
		s.catalog = client.EmbeddedCatalog()
	}
	if s.owner == "" {
		s.owner = DefaultOwner
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.newID == nil {
		s.newID = newUUID
	}
	s.osVersions = groupOSVersions(s.catalog)
	return s
}

// Start listens on addr (e.g. "127.0.0.1:0" for any free port) and serves in
// the background. It returns the base URL, e.g. "http://127.0.0.1:40123".
func (s *Server) Start(addr string) (url string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closed:
		return "", errors.New("sandbox: server is closed")
	case s.http != nil:
		return "", fmt.Errorf("sandbox: already serving at %s", s.url)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	errLog := s.log
	if errLog == nil {
		// net/http would otherwise print to stderr, over the wizard's screen.
		errLog = io.Discard
	}
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(errLog, "sandbox: ", 0),
	}
	s.http = hs
	s.url = "http://" + ln.Addr().String()
	go func() {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.logf("sandbox: serve: %v", err)
		}
	}()
	return s.url, nil
}

// URL is the base URL given by Start, or "" before it.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.url
}

// Close stops listening, answers delayed creates with 503 (creating
// nothing), and waits for the requests in progress. An upload still running
// after closeGrace has its connection cut, which puts its image back to
// queued. Closing twice is harmless.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.quit)
	hs := s.http
	s.mu.Unlock()

	var err error
	if hs != nil {
		ctx, cancel := context.WithTimeout(context.Background(), closeGrace)
		defer cancel()
		if err = hs.Shutdown(ctx); errors.Is(err, context.DeadlineExceeded) {
			err = hs.Close()
		}
	}
	s.inflight.Wait()
	return err
}

// ServeHTTP answers one request. Every answer, errors included, is JSON and
// carries a fresh X-Request-Id, as IMS's do.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	requestID := newRequestID()
	w.Header().Set("X-Request-Id", requestID)
	w.Header().Set("Content-Type", "application/json")
	rec := &recorder{ResponseWriter: w}
	defer func() { s.logAccess(r, rec, requestID, time.Since(start)) }()

	// Counting the request under the same lock Close takes means Close never
	// waits on a request it did not see, nor misses one.
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		writeError(rec, errClosing)
		return
	}
	s.inflight.Add(1)
	s.mu.Unlock()
	defer s.inflight.Done()

	s.route(rec, r)
}

func (s *Server) logAccess(r *http.Request, rec *recorder, requestID string, took time.Duration) {
	if s.log == nil {
		return
	}
	status := rec.status
	switch {
	case status == 0 && r.Context().Err() != nil:
		status = 499 // nginx's "client closed request": nothing was answered
	case status == 0:
		status = http.StatusOK
	}
	s.logf("sandbox: %s %s %s %d %dB %s req=%s",
		time.Now().UTC().Format(timeLayout), r.Method, r.URL.RequestURI(), status, rec.bytes,
		took.Round(time.Microsecond), requestID)
}

func (s *Server) logf(format string, args ...any) {
	if s.log == nil {
		return
	}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	fmt.Fprintf(s.log, format+"\n", args...)
}

// recorder remembers the status and size written, for the access log.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
