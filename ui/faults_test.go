package ui

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/ims-wizard/ims-wizard/client"
)

// Whatever the server or the network does, the error view says what
// happened (status, meaning, code, message, request id and hint, or the
// kind of network failure and its hint), and "edit answers" goes back to
// the form with every answer as it was.
func TestFaultsShowErrorAndKeepAnswers(t *testing.T) {
	t.Parallel()
	serve := func(status int, ctype, body string, headers map[string]string) func(t *testing.T) string {
		return func(t *testing.T) string {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range headers {
					w.Header().Set(k, v)
				}
				w.Header().Set("Content-Type", ctype)
				w.WriteHeader(status)
				_, _ = io.WriteString(w, body)
			}))
			t.Cleanup(srv.Close)
			return srv.URL
		}
	}
	cases := []struct {
		name      string
		endpoint  func(t *testing.T) string
		want      []string
		ambiguous bool
	}{
		{"500 with an IMS body", serve(500, "application/json", `{"error":{"code":"IMG.0500","message":"the backend is on fire"}}`, map[string]string{"X-Request-Id": "rid-500"}),
			[]string{"The server refused the request", "HTTP 500 · internal service error", "code IMG.0500", "message the backend is on fire",
				"request id rid-500", "hint the service failed; try again later"}, false},
		{"401 with a gateway body", serve(401, "application/json", `{"error_code":"APIG.0301","error_msg":"Incorrect IAM authentication information","request_id":"gw-401"}`, nil),
			[]string{"The server refused the request", "HTTP 401 · authentication failed", "code APIG.0301", "message Incorrect IAM authentication information",
				"request id gw-401", "hint check your credentials"}, false},
		{"timeout", func(t *testing.T) string {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan struct{})
			t.Cleanup(func() { close(done); _ = l.Close() })
			go func() {
				for {
					c, err := l.Accept() // read nothing, answer nothing
					if err != nil {
						return
					}
					go func() { <-done; _ = c.Close() }()
				}
			}()
			return "http://" + l.Addr().String()
		}, []string{"No answer from the server: timed out", "hint no answer within 300ms; raise --timeout", "The request was sent but no answer came: the image may exist."}, true},
		{"connection refused", func(t *testing.T) string {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			addr := l.Addr().String()
			_ = l.Close() // nothing listens there now
			return "http://" + addr
		}, []string{"No answer from the server: connection refused", "hint nothing listens at that address"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := client.New(client.Config{Endpoint: tc.endpoint(t), Timeout: 300 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			o := testOptions(c)
			o.DraftPath = draftPath(t)
			o.Initial = client.Request{Name: "faulty", OSVersion: "CentOS 7.6 64bit", DiskFormat: "qcow2", MinDisk: client.Int64(60),
				MinRAM: client.Int64(2048), Tags: []string{"a=1", "b=2"}, Protected: true}
			w := startWizardSize(t, o, 110, 40)
			w.throughReview()
			before := w.answers()
			w.press(tea.KeyEnter)
			v := w.waitFlat(tc.want...)
			assertInert(t, v)
			if got := strings.Contains(flat(v), "the image may exist"); got != tc.ambiguous {
				t.Errorf("ambiguous said: %v, want %v\n%s", got, tc.ambiguous, v)
			}
			if d := readDraft(t, o.DraftPath); !d.Answers.Equal(before) {
				t.Errorf("the draft after the error holds %+v, want %+v", d.Answers, before)
			}
			// e: back to the answers, every one intact, and into a step's form.
			w.key("e")
			w.waitView("Edit which step?", "faulty", "CentOS 7.6 64bit", "60 GB · 2048 MB", "2 tags · protected")
			if a := w.answers(); !a.Equal(before) {
				t.Fatalf("answers after the error %+v, want %+v", a, before)
			}
			w.key("4")
			w.waitView("Minimum disk and RAM", "> 60")
			w.press(tea.KeyEnter)
			w.waitView("┃ Minimum RAM", "> 2048")
			w.press(tea.KeyEnter)
			w.waitView("Review", `"name": "faulty"`, `"protected": true`)
			if a := w.answers(); !a.Equal(before) {
				t.Errorf("answers after editing %+v, want %+v", a, before)
			}
			// Quitting from the error returns it, wrapped with its request.
			w.key("s")
			if tc.ambiguous {
				// The outcome is unknown: sending again first looks (and the
				// look-up times out too); create anyway.
				w.waitFlat("Could not look for an existing image", "timed out", "› Back")
				w.press(tea.KeyUp, tea.KeyEnter)
			}
			w.waitFlat(tc.want[0])
			w.key("q")
			m := w.finish()
			var se *SubmitError
			var apiErr *client.APIError
			var netErr *client.NetworkError
			if !errors.As(m.finalErr, &se) || se.Request.Name != "faulty" || !errors.As(m.finalErr, &apiErr) && !errors.As(m.finalErr, &netErr) {
				t.Errorf("Run would return %v, want a *SubmitError wrapping the API or network error", m.finalErr)
			}
		})
	}
}
