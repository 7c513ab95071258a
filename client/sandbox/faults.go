package sandbox

import (
	"fmt"
	"net"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/l10n"
)

// Fault is one injected failure (ims-wizard sandbox --fail): the requests
// whose method and path match are answered with it instead of normally, so
// that a demo can show every error view and a support engineer can
// reproduce a customer's failure. Build one with ParseFault.
type Fault struct {
	Method string // "" matches any method
	Path   string // a path.Match pattern: /v2/images, /v2/images/*/file
	// What the client gets: an HTTP status (in IMS's shapes: the API
	// gateway's for 401 and 429), no answer until it gives up (Timeout),
	// or the connection cut (Reset).
	Status  int
	Code    string // the error code to answer with; "" picks IMS's shape for Status
	Timeout bool
	Reset   bool
	// Done: the request is carried out first (the image is created), and
	// the fault replaces its answer: an outcome the client cannot know.
	Done  bool
	Times int    // how many matching requests get the fault; 0 = all of them
	Spec  string // as written
}

// FaultSyntax describes ParseFault's input, for help texts, in loc's
// language.
func FaultSyntax(loc *l10n.Localizer) string { return loc.T("sandbox.fault.syntax") }

// ParseFault reads a fault such as "POST /v2/images=503",
// "PUT /v2/images/*/file=reset*1" or "POST /v2/images=created-then-reset".
// Its errors are catalogue messages that show the form (client.Localized).
func ParseFault(spec string) (Fault, error) {
	f := Fault{Spec: spec}
	bad := func(id string, args l10n.Args) (Fault, error) {
		return Fault{}, client.NewError(nil, "sandbox.fault.bad", l10n.Args{"Spec": client.Inert(fmt.Sprintf("%q", spec)),
			"Reason": client.NewMsg(id, args), "Syntax": client.NewMsg("sandbox.fault.syntax")})
	}
	i := strings.LastIndex(spec, "=")
	if i < 0 {
		return bad("sandbox.fault.no_equals", nil)
	}
	target, what := strings.TrimSpace(spec[:i]), strings.TrimSpace(spec[i+1:])
	if method, p, ok := strings.Cut(target, " "); ok {
		f.Method, f.Path = strings.ToUpper(method), strings.TrimSpace(p)
	} else {
		f.Path = target
	}
	if !strings.HasPrefix(f.Path, "/") {
		return bad("sandbox.fault.path_slash", l10n.Args{"Path": client.Inert(fmt.Sprintf("%q", f.Path))})
	}
	if _, err := path.Match(f.Path, "/"); err != nil {
		return bad("sandbox.fault.path_pattern", l10n.Args{"Path": client.Inert(fmt.Sprintf("%q", f.Path))})
	}
	if f.Method != "" && strings.Trim(f.Method, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return bad("sandbox.fault.method", l10n.Args{"Method": client.Inert(fmt.Sprintf("%q", f.Method))})
	}
	if w, n, ok := strings.Cut(what, "*"); ok {
		times, err := strconv.Atoi(n)
		if err != nil || times < 1 {
			return bad("sandbox.fault.times", l10n.Args{"Times": client.Inert("*" + n)})
		}
		f.Times, what = times, w
	}
	if rest, ok := strings.CutPrefix(what, "created-then-"); ok {
		f.Done, what = true, rest
	}
	switch what {
	case "timeout":
		f.Timeout = true
	case "reset":
		f.Reset = true
	default:
		status, code, _ := strings.Cut(what, ":")
		n, err := strconv.Atoi(status)
		if err != nil || n < 400 || n > 599 {
			return bad("sandbox.fault.what", l10n.Args{"What": client.Inert(fmt.Sprintf("%q", what))})
		}
		f.Status, f.Code = n, code
	}
	return f, nil
}

// faultSet counts what is left of each fault.
type faultSet struct {
	mu     sync.Mutex
	faults []Fault
}

func newFaultSet(faults []Fault) *faultSet {
	return &faultSet{faults: append([]Fault(nil), faults...)}
}

// match returns the first fault that applies to r and uses it up.
func (fs *faultSet) match(r *http.Request) *Fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i := range fs.faults {
		f := &fs.faults[i]
		if f.Times < 0 || (f.Method != "" && f.Method != r.Method) {
			continue
		}
		if ok, _ := path.Match(f.Path, r.URL.Path); !ok {
			continue
		}
		hit := *f
		switch f.Times {
		case 0: // every time
		case 1:
			f.Times = -1 // used up
		default:
			f.Times--
		}
		return &hit
	}
	return nil
}

// inject answers r with the fault.
func (s *Server) inject(w *recorder, r *http.Request, f *Fault) {
	s.logf("sandbox: fault %q: %s %s", f.Spec, r.Method, r.URL.RequestURI())
	if f.Done {
		// Carried out for real, its answer thrown away.
		s.route(&discard{header: http.Header{}}, r)
	}
	switch {
	case f.Reset:
		cut(w)
	case f.Timeout:
		select {
		case <-r.Context().Done():
		case <-s.quit:
		}
		cut(w)
	default:
		e := faultError(f)
		if f.Status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "1")
		}
		writeError(w, e)
	}
}

// faultError is the answer IMS (or its gateway) gives with that status.
func faultError(f *Fault) *apiError {
	injected := fmt.Sprintf("(fault injected by ims-wizard sandbox --fail %q)", f.Spec)
	e := &apiError{status: f.Status, code: f.Code}
	switch {
	case f.Status == http.StatusUnauthorized && f.Code == "":
		e.code, e.gateway = codeAPIGAuth, true
		e.message = "Incorrect IAM authentication information: verify the credentials " + injected
	case f.Status == http.StatusTooManyRequests && f.Code == "":
		e.code, e.gateway = codeAPIGThrottle, true
		e.message = "The throttling threshold has been reached: policy user over ratelimit, limit:1, time:1 second " + injected
	default:
		if e.code == "" {
			e.code = sandboxCode(f.Status)
		}
		e.gateway = strings.HasPrefix(e.code, "APIG.")
		e.message = http.StatusText(f.Status) + " " + injected
	}
	return e
}

// cut closes the connection without an answer: a reset (RST) where the
// connection can be taken over, else the server's abort.
func cut(w *recorder) {
	w.cut = true
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	conn.Close()
}

// discard is a ResponseWriter that keeps nothing: the answer of a request
// carried out before its fault.
type discard struct{ header http.Header }

func (d *discard) Header() http.Header         { return d.header }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}
