package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/l10n"
)

// Options configure a Server; the zero value is a usable sandbox whose
// state lives in memory.
type Options struct {
	Catalog *client.Catalog  // nil = client.EmbeddedCatalog()
	Owner   string           // project id shown as owner; default DefaultOwner
	Delay   time.Duration    // artificial latency before answering POST /v2/images (tests of cancellation, demos)
	Clock   func() time.Time // nil = time.Now, for deterministic tests
	NewID   func() string    // nil = random UUIDv4
	Log     io.Writer        // optional one-line access log; also says what the state set aside

	// Dir is the state directory: images and their files persist there and
	// are shared, at once, with every other sandbox (in any process) using
	// the same directory. "" keeps a private state in memory, uploaded
	// bytes in unlinked temporary files: gone with the Server (tests).
	Dir string
	// Faults answer the matching requests with injected failures
	// (ims-wizard sandbox --fail); see ParseFault.
	Faults []Fault
	// BodyIdleTimeout ends a request whose body sends nothing for this
	// long (an upload goes back to queued); 0 means DefaultBodyIdleTimeout.
	BodyIdleTimeout time.Duration
	// Received, when set, is called as each request is taken in, before
	// anything of it is read or answered: the event a test waits on ("the
	// create is being held") instead of sleeping.
	Received func(*http.Request)
}

// DefaultOwner is the project id of the seed's example response, so that a
// sandbox answer reads like the documentation.
const DefaultOwner = "b912fb4a4c464b568ecfca1071b21b10"

// DefaultBodyIdleTimeout is how long a request body may send nothing: a
// client that stalls mid-upload does not hold its image saving for ever.
const DefaultBodyIdleTimeout = 30 * time.Second

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
	bodyIdle   time.Duration
	faults     *faultSet
	log        io.Writer
	logMu      sync.Mutex // the writer need not be safe for concurrent use
	received   func(*http.Request)

	store   store
	dir     string       // "" for a private state
	notices []client.Msg // what opening the state said
	broken  error        // the state could not be opened: every request says so

	mu     sync.Mutex // guards the fields below
	closed bool
	http   *http.Server
	url    string

	quit     chan struct{}  // closed by Close: wakes delayed creates and held faults
	inflight sync.WaitGroup // requests being handled, for Close to wait on
}

// New builds a sandbox; it serves nothing until Start or until mounted as a
// handler. With Options.Dir set it opens that state as Open does; if that
// fails, every request is answered 503 with the reason (use Open to get the
// error instead).
func New(opts Options) *Server {
	s, err := Open(opts)
	if err != nil {
		s = newServer(opts)
		s.broken = err
	}
	return s
}

// Open builds a sandbox on the state of Options.Dir (created if missing);
// with no Dir it is New. A damaged or newer state is moved aside and a new
// one started: Notices says so.
func Open(opts Options) (*Server, error) {
	s := newServer(opts)
	if opts.Dir == "" {
		s.store = newMemStore()
		return s, nil
	}
	d, notices, err := openDir(opts.Dir, func(msg string) { s.logf("%s", msg) })
	if err != nil {
		return nil, client.NewError(err, "sandbox.state.error", l10n.Args{"Dir": client.Inert(opts.Dir), "Err": err})
	}
	s.store, s.dir, s.notices = d, d.dir, notices
	return s, nil
}

func newServer(opts Options) *Server {
	s := &Server{
		catalog:  opts.Catalog,
		owner:    opts.Owner,
		delay:    opts.Delay,
		now:      opts.Clock,
		newID:    opts.NewID,
		bodyIdle: opts.BodyIdleTimeout,
		faults:   newFaultSet(opts.Faults),
		log:      opts.Log,
		received: opts.Received,
		quit:     make(chan struct{}),
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
	if s.bodyIdle <= 0 {
		s.bodyIdle = DefaultBodyIdleTimeout
	}
	s.osVersions = groupOSVersions(s.catalog)
	return s
}

// Dir is the absolute state directory, "" for a private in-memory state.
func (s *Server) Dir() string { return s.dir }

// Notices are what opening the state said (a damaged or newer state moved
// aside), for the user.
func (s *Server) Notices() []client.Msg { return s.notices }

// Count is the number of images in the state.
func (s *Server) Count() (int, error) {
	if s.broken != nil {
		return 0, s.broken
	}
	return s.store.count()
}

// Reset removes every image and uploaded file from the state, for every
// process sharing it, and says how many images went.
func (s *Server) Reset() (int, error) {
	if s.broken != nil {
		return 0, s.broken
	}
	return s.store.reset()
}

// Summary is one image as `ims-wizard sandbox list` shows it.
type Summary struct {
	ID, Name, Status string
	CreatedAt        time.Time
}

// Images lists the state's images newest first, those called name only
// when name is not "".
func (s *Server) Images(name string) ([]Summary, error) {
	if s.broken != nil {
		return nil, s.broken
	}
	var imgs []*image
	err := s.store.scan(func(img *image) {
		if name == "" || img.Name == name {
			imgs = append(imgs, img)
		}
	}, false)
	sortImages(imgs, defaultSort)
	out := make([]Summary, len(imgs))
	for i, img := range imgs {
		out[i] = Summary{ID: img.ID, Name: img.Name, Status: img.Status, CreatedAt: img.CreatedAt}
	}
	return out, err
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
		IdleTimeout:       2 * time.Minute, // idle keep-alive connections
		MaxHeaderBytes:    maxHeaderBytes,
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

// maxHeaderBytes is Glance's max_header_line (16 KiB) for all headers
// together, with room for a token.
const maxHeaderBytes = 64 << 10

// URL is the base URL given by Start, or "" before it.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.url
}

// Close stops listening, answers delayed creates with 503 (creating
// nothing), and waits for the requests in progress. An upload still running
// after closeGrace has its connection cut, which puts its image back to
// queued. Closing twice is harmless. A state directory stays as it is.
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
	if s.store != nil {
		err = errors.Join(err, s.store.close())
	}
	return err
}

// ServeHTTP answers one request. Every answer, errors included, is JSON
// (but a downloaded file) and carries a fresh X-Request-Id, as IMS's do.
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
	if s.received != nil {
		s.received(r)
	}

	if s.broken != nil {
		writeError(rec, sandboxError(http.StatusServiceUnavailable, "%v", s.broken))
		return
	}
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = &idleBody{ReadCloser: r.Body, rc: http.NewResponseController(w), timeout: s.bodyIdle}
	}
	if f := s.faults.match(r); f != nil {
		s.inject(rec, r, f)
		return
	}
	s.route(rec, r)
}

// idleBody gives up on a request body that sends nothing for timeout: each
// read pushes the connection's read deadline forward.
type idleBody struct {
	io.ReadCloser
	rc          *http.ResponseController
	timeout     time.Duration
	unsupported bool // not on a real connection (httptest.ResponseRecorder)
}

// errBodyIdle is a body that stopped sending.
var errBodyIdle = errors.New("the client sent nothing for too long")

func (b *idleBody) Read(p []byte) (int, error) {
	if !b.unsupported {
		if err := b.rc.SetReadDeadline(time.Now().Add(b.timeout)); errors.Is(err, http.ErrNotSupported) {
			b.unsupported = true
		}
	}
	n, err := b.ReadCloser.Read(p)
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		err = fmt.Errorf("%w (%s without data)", errBodyIdle, b.timeout)
	case err != nil && !b.unsupported:
		// The body is over: a handler that takes its time afterwards (a
		// delayed create) must not have its connection time out under it.
		_ = b.rc.SetReadDeadline(time.Time{})
	}
	return n, err
}

func (s *Server) logAccess(r *http.Request, rec *recorder, requestID string, took time.Duration) {
	if s.log == nil {
		return
	}
	status := rec.status
	switch {
	case rec.cut:
		status = 0 // no answer: the connection was cut on purpose
	case status == 0 && r.Context().Err() != nil:
		status = 499 // nginx's "client closed request": nothing was answered
	case status == 0:
		status = http.StatusOK
	}
	s.logf("sandbox: %s %s %s %03d %dB %s req=%s",
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
	cut    bool // the connection was closed without an answer (a fault)
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
