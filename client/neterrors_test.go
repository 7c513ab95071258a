package client

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// rawServer listens on loopback and hands each connection, its request
// headers read, to handle: the faults a real server cannot be made to
// produce (a reset, an answer cut short). It returns the base URL.
func rawServer(t *testing.T, handle func(c *net.TCPConn, r *http.Request)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { l.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				req, err := http.ReadRequest(bufio.NewReader(c))
				if err != nil {
					return
				}
				handle(c.(*net.TCPConn), req)
			}()
		}
	}()
	return "http://" + l.Addr().String()
}

// reset closes c with a RST instead of a FIN.
func reset(c *net.TCPConn) {
	_ = c.SetLinger(0)
	_ = c.Close()
}

// Each way a connection fails is told by the error's type (errors.Is on
// the errno, io.EOF, io.ErrUnexpectedEOF), on a real loopback socket, and
// the transport's error stays in the chain.
func TestNetworkFailuresAreToldByType(t *testing.T) {
	t.Parallel()
	closedPort := func(t *testing.T) string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		return "http://" + addr
	}
	for _, tc := range []struct {
		name      string
		endpoint  func(t *testing.T) string
		kind      NetworkKind
		ambiguous bool
		cause     error
	}{
		{"listener closed", closedPort, NetRefused, false, syscall.ECONNREFUSED},
		{"closed without answering", func(t *testing.T) string {
			return rawServer(t, func(c *net.TCPConn, _ *http.Request) { c.Close() })
		}, NetReset, true, io.EOF},
		{"reset", func(t *testing.T) string {
			return rawServer(t, func(c *net.TCPConn, _ *http.Request) { reset(c) })
		}, NetReset, true, syscall.ECONNRESET},
		{"status line cut short", func(t *testing.T) string {
			return rawServer(t, func(c *net.TCPConn, _ *http.Request) { io.WriteString(c, "HTTP/1.1 201 Cre") })
		}, NetReset, true, io.ErrUnexpectedEOF},
		{"body cut short", func(t *testing.T) string {
			return rawServer(t, func(c *net.TCPConn, _ *http.Request) {
				io.WriteString(c, "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\": \"ab")
			})
		}, NetReset, true, io.ErrUnexpectedEOF},
		{"body reset", func(t *testing.T) string {
			return rawServer(t, func(c *net.TCPConn, _ *http.Request) {
				io.WriteString(c, "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\": \"ab")
				reset(c)
			})
		}, NetReset, true, syscall.ECONNRESET},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := New(Config{Endpoint: tc.endpoint(t)})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Create(context.Background(), SeedExample())
			var ne *NetworkError
			if !errors.As(err, &ne) || ne.Kind != tc.kind || ne.Ambiguous != tc.ambiguous {
				t.Fatalf("got %#v (%v), want kind %q, ambiguous %v", err, err, tc.kind, tc.ambiguous)
			}
			if !errors.Is(err, tc.cause) {
				t.Errorf("%v: the chain does not reach %v", err, tc.cause)
			}
			if said := Explain(err, nil).Summary; !strings.Contains(said, ne.kindText(nil)) {
				t.Errorf("the explanation %q does not say %q", said, ne.kindText(nil))
			}
		})
	}
}

// An upload whose connection is reset in the middle of the file is a lost
// connection, ambiguous (bytes were sent), whatever the transport's words.
func TestUploadResetMidFileIsConnectionLost(t *testing.T) {
	t.Parallel()
	endpoint := rawServer(t, func(c *net.TCPConn, r *http.Request) {
		_, _ = io.ReadFull(r.Body, make([]byte, 64<<10))
		reset(c)
	})
	c, err := New(Config{Endpoint: endpoint})
	if err != nil {
		t.Fatal(err)
	}
	const size = 64 << 20
	_, err = c.Upload(context.Background(), "id", io.LimitReader(zeros{}, size), size, nil)
	var ne *NetworkError
	if !errors.As(err, &ne) || ne.Kind != NetReset || !ne.Ambiguous {
		t.Fatalf("got %#v (%v), want a lost connection, ambiguous", err, err)
	}
	// Which one depends on who notices first: the read of the answer
	// (ECONNRESET, then the transport closes the socket under the write:
	// net.ErrClosed) or the write of the file (EPIPE).
	if !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, syscall.EPIPE) && !errors.Is(err, net.ErrClosed) {
		t.Errorf("%v: the chain reaches none of ECONNRESET, EPIPE, net.ErrClosed", err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// The words of an error decide nothing: an error that only says
// "connection refused" or "EOF" is not taken for one.
func TestNetworkKindIsNotReadFromTheText(t *testing.T) {
	t.Parallel()
	for _, err := range []error{
		errors.New("proxy: connection refused by policy"),
		errors.New("the server's certificate has no EOF marker"),
		fmt.Errorf("wrapped: %w", errors.New("connection reset by the lead")),
		errors.New("broken pipe dream"),
	} {
		if ne := classifyNetworkError("POST", "http://x", err, true, 0); ne.Kind != NetOther {
			t.Errorf("%q classified %q, want %q", err, ne.Kind, NetOther)
		}
	}
	// And typed ones are found however they are worded or wrapped.
	for err, want := range map[error]NetworkKind{
		fmt.Errorf("dialing: %w", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}): NetRefused,
		fmt.Errorf("reading: %w", syscall.ECONNRESET):                                  NetReset,
		fmt.Errorf("writing: %w", syscall.EPIPE):                                       NetReset,
		fmt.Errorf("body: %w", io.ErrUnexpectedEOF):                                    NetReset,
		fmt.Errorf("conn: %w", net.ErrClosed):                                          NetReset,
	} {
		if ne := classifyNetworkError("POST", "http://x", err, true, 0); ne.Kind != want {
			t.Errorf("%q classified %q, want %q", err, ne.Kind, want)
		}
	}
}

// A call the user canceled while the transport failed keeps both in the
// chain: context.Canceled (which decides the kind) and the transport's
// error. Before, the transport's was formatted with %v and lost.
func TestCanceledCallKeepsTheTransportError(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	proxyDown := &net.OpError{Op: "proxyconnect", Net: "tcp", Err: syscall.ECONNREFUSED}
	c, err := New(Config{Endpoint: "http://ims.example.test", Proxy: func(*http.Request) (*url.URL, error) {
		cancel() // the user's Ctrl+C, as the transport fails
		return nil, proxyDown
	}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Create(ctx, SeedExample())
	var ne *NetworkError
	if !errors.As(err, &ne) || ne.Kind != NetCanceled {
		t.Fatalf("got %#v (%v), want a canceled call", err, err)
	}
	if !errors.Is(err, context.Canceled) || !errors.Is(err, proxyDown) || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("%v: the chain lost context.Canceled or the transport's error", err)
	}
}
