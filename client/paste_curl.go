package client

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/ims-wizard/ims-wizard/client/l10n"
	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// A curl command is read with a real shell parser (mvdan.cc/sh, the one
// shfmt uses): line continuations, single and double quotes, $'…' and
// here-documents mean what bash makes of them. Only literal words are
// used; a word the shell would have to expand ($TOKEN, $(…)) is refused,
// except where it is ignored anyway (headers, credentials, output options).

// curlRole is what an option does to the request ims-wizard reproduces.
type curlRole int

const (
	curlIgnore      curlRole = iota // no effect on the request (-s, -k, -o FILE, …)
	curlMethod                      // -X
	curlHeader                      // -H
	curlData                        // -d, --data, --data-ascii: @file loses its newlines
	curlDataBinary                  // --data-binary: @file as is
	curlDataRaw                     // --data-raw: no @file
	curlJSON                        // --json: --data-binary plus JSON headers
	curlURL                         // --url
	curlCredential                  // carries a credential (-u, -b, --oauth2-bearer, …): ignored, said
	curlGet                         // -G: the data goes into the URL of a GET
	curlHead                        // -I: a HEAD request
	curlUnsupported                 // a request ims-wizard cannot reproduce (-F, -T, -K, …)
)

type curlOption struct {
	names string // "-X/--request": how messages name it
	arg   bool
	role  curlRole
}

// curlOptions are the options curl documents that a pasted command may
// carry. An option not listed is refused: without knowing whether it takes
// a value, the rest of the command cannot be read safely.
var curlOptions, curlShort = func() (map[string]curlOption, map[byte]string) {
	long := map[string]curlOption{}
	short := map[byte]string{}
	add := func(role curlRole, arg bool, names ...string) {
		for _, n := range names {
			s, l, _ := strings.Cut(n, "/")
			if l == "" {
				s, l = "", s
			}
			o := curlOption{names: n, arg: arg, role: role}
			long[strings.TrimPrefix(l, "--")] = o
			if s != "" {
				short[s[1]] = strings.TrimPrefix(l, "--")
			}
		}
	}
	add(curlMethod, true, "-X/--request")
	add(curlHeader, true, "-H/--header")
	add(curlData, true, "-d/--data", "--data-ascii")
	add(curlDataBinary, true, "--data-binary")
	add(curlDataRaw, true, "--data-raw")
	add(curlJSON, true, "--json")
	add(curlURL, true, "--url")
	add(curlCredential, true, "-u/--user", "-b/--cookie", "-U/--proxy-user", "--oauth2-bearer", "-E/--cert",
		"--pass", "--proxy-pass", "--proxy-cert", "--aws-sigv4", "--proxy-header", "--login-options", "--sasl-authzid",
		"--tlsuser", "--tlspassword", "--proxy-tlsuser", "--proxy-tlspassword", "--delegation", "--krb")
	add(curlGet, false, "-G/--get")
	add(curlHead, false, "-I/--head")
	add(curlUnsupported, true, "-F/--form", "--form-string", "-T/--upload-file", "--data-urlencode", "-K/--config",
		"--variable", "--expand-data", "--expand-url", "--expand-header", "--expand-json", "--url-query", "-z/--time-cond")
	add(curlUnsupported, false, "-:/--next", "-P/--ftp-port")
	add(curlIgnore, false, "-s/--silent", "-S/--show-error", "-k/--insecure", "-i/--include", "-v/--verbose",
		"--compressed", "-L/--location", "-f/--fail", "--fail-with-body", "--fail-early", "-g/--globoff",
		"-N/--no-buffer", "-#/--progress-bar", "-q/--disable", "--http1.0", "--http1.1", "--http2",
		"--http2-prior-knowledge", "--http3", "--http3-only", "-4/--ipv4", "-6/--ipv6", "--raw", "--no-keepalive",
		"--location-trusted", "--path-as-is", "--ssl-no-revoke", "--tcp-nodelay", "--tcp-fastopen",
		"--no-progress-meter", "-O/--remote-name", "-J/--remote-header-name", "-R/--remote-time",
		"-Z/--parallel", "--no-sessionid", "--no-alpn", "--no-npn", "-0/--http1.0", "-1/--tlsv1", "--tlsv1.0",
		"--tlsv1.1", "--tlsv1.2", "--tlsv1.3", "--create-dirs", "--retry-connrefused", "--retry-all-errors",
		"--suppress-connect-headers", "--proxy-insecure", "-p/--proxytunnel", "-n/--netrc", "--netrc-optional",
		"--basic", "--digest", "--ntlm", "--negotiate", "--anyauth", "--xattr", "--styled-output", "--ssl",
		"--ssl-reqd", "-B/--use-ascii", "-l/--list-only", "-j/--junk-session-cookies", "--metalink",
		"--sslv2", "--sslv3", "-2/--sslv2", "-3/--sslv3", "--ca-native", "--false-start", "--cert-status")
	add(curlIgnore, true, "-o/--output", "-A/--user-agent", "-e/--referer", "-m/--max-time", "--connect-timeout",
		"-w/--write-out", "--cacert", "--capath", "--key", "--key-type", "--cert-type", "-x/--proxy", "--noproxy",
		"-c/--cookie-jar", "-D/--dump-header", "--retry", "--retry-delay", "--retry-max-time", "-r/--range",
		"--resolve", "--connect-to", "--interface", "--limit-rate", "-Y/--speed-limit", "-y/--speed-time",
		"--max-filesize", "--max-redirs", "--dns-servers", "--trace", "--trace-ascii", "--stderr", "--ciphers",
		"--pinnedpubkey", "--unix-socket", "--abstract-unix-socket", "--keepalive-time", "--expect100-timeout",
		"--happy-eyeballs-timeout-ms", "--local-port", "-C/--continue-at", "--proxy-cacert", "--proxy-capath",
		"--output-dir", "--parallel-max", "--rate", "--tls-max", "--curves", "--trace-config", "--ip-tos",
		"--dns-interface", "--dns-ipv4-addr", "--dns-ipv6-addr", "--preproxy", "--socks5", "--socks5-hostname",
		"--proxy1.0", "--request-target", "--engine", "--crlfile", "--egd-file", "--random-file", "--hsts",
		"--alt-svc", "--etag-save", "--etag-compare", "-t/--telnet-option", "-Q/--quote", "--mail-from", "--mail-rcpt")
	return long, short
}()

// credentialHeaders are the headers that carry a credential: never used,
// never shown. Anything that looks like one is treated the same way.
var credentialHeaders = regexp.MustCompile(`(?i)^(authorization|proxy-authorization|cookie|x-sdk-.*|x-amz-.*|.*token.*|.*auth.*|.*secret.*|.*passw.*|.*signature.*|.*session.*|.*api-?key.*|.*credential.*)$`)

// headerName is a header name safe to show: token characters only.
var headerName = regexp.MustCompile(`^[A-Za-z0-9!#$%&'*+.^_|~-]{1,64}$`)

// curlCall is one curl command as read from the paste.
type curlCall struct {
	stmt        *syntax.Stmt
	method      string
	urls        []curlWord
	data        []curlDataArg
	contentType string // as given with -H (or implied by --json); "" if not given
	headers     []string
	unnamed     int // headers without a readable name: never shown
	creds       []string
	secrets     []string
	problems    Problems
	unreadable  bool // an option stopped the reading: nothing after it is known
}

type curlDataArg struct {
	role  curlRole
	value curlWord
}

// curlWord is a shell word's value: all of it when complete, else only
// what precedes the first expansion. source is the word as written.
type curlWord struct {
	text     string
	complete bool
	source   string
}

// wordValue reads a word without running anything: literal parts and
// quotes only.
func wordValue(w *syntax.Word) curlWord {
	var src bytes.Buffer
	_ = syntax.NewPrinter().Print(&src, w)
	prefix := &syntax.Word{}
	complete := true
parts:
	for _, part := range w.Parts {
		switch part := part.(type) {
		case *syntax.Lit, *syntax.SglQuoted:
			prefix.Parts = append(prefix.Parts, part)
		case *syntax.DblQuoted:
			q := &syntax.DblQuoted{Left: part.Left, Right: part.Right, Dollar: part.Dollar}
			for _, in := range part.Parts {
				if _, ok := in.(*syntax.Lit); !ok {
					complete = false
					break
				}
				q.Parts = append(q.Parts, in)
			}
			prefix.Parts = append(prefix.Parts, q)
			if !complete {
				break parts
			}
		default:
			complete = false
			break parts
		}
	}
	if len(prefix.Parts) > 0 {
		if lit, ok := prefix.Parts[0].(*syntax.Lit); ok && strings.HasPrefix(lit.Value, "~") {
			complete = false // the shell would expand ~ to a home directory
		}
	}
	// A config of its own: with nil, mvdan.cc/sh (v3.14.1) prepares a
	// shared package-level one in place, a data race between two pastes
	// read at once (the race detector found it in parallel tests).
	fields, err := expand.Fields(&expand.Config{}, prefix)
	if err != nil || len(fields) > 1 {
		return curlWord{source: src.String()}
	}
	return curlWord{text: strings.Join(fields, ""), complete: complete, source: src.String()}
}

// readCurl finds the curl command in the paste and returns its body.
func (p *Pasted) readCurl(text []byte, opt PasteOptions) ([]byte, bool) {
	// Tickets come from Windows (CRLF) and from terminals (spaces after a
	// line-ending backslash): both would end the command mid-way.
	text = bytes.ReplaceAll(text, []byte("\r\n"), []byte("\n"))
	if fixed := trailingSpaceAfterBackslash.ReplaceAll(text, []byte("\\\n")); !bytes.Equal(fixed, text) {
		p.note("", "paste.note.continuation", nil)
		text = fixed
	}
	file, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(bytes.NewReader(text), "")
	if err != nil {
		args := l10n.Args{"Err": clip(err.Error())}
		if pe, ok := err.(syntax.ParseError); ok {
			args = l10n.Args{"Err": clip(pe.Text), "Line": pe.Pos.Line(), "Col": pe.Pos.Col()}
			p.find(FieldPaste, "paste.shell.syntax", args)
			return nil, false
		}
		p.find(FieldPaste, "paste.shell.unsupported", args)
		return nil, false
	}
	var calls []*curlCall
	syntax.Walk(file, func(n syntax.Node) bool {
		st, ok := n.(*syntax.Stmt)
		if !ok {
			return true
		}
		if ce, ok := st.Cmd.(*syntax.CallExpr); ok {
			if args := curlArgs(ce.Args); args != nil {
				c := &curlCall{stmt: st}
				c.parse(args)
				calls = append(calls, c)
			}
		}
		return true
	})
	if len(calls) == 0 {
		p.find(FieldPaste, "paste.no_curl", nil)
		return nil, false
	}
	c := calls[0]
	for _, cand := range calls {
		if cand.createsImage() {
			c = cand
			break
		}
	}
	if len(calls) > 1 {
		p.note("", "paste.note.several", l10n.Args{"Count": len(calls)})
	}
	p.Findings = append(p.Findings, c.problems...)
	p.creds = c.creds
	p.secrets = c.secrets
	if c.unreadable {
		return nil, false
	}
	p.readURL(c)
	if len(c.headers) > 0 {
		p.note("", "paste.note.headers", l10n.Args{"Count": len(c.headers), "Names": strings.Join(c.headers, ", ")})
	}
	if c.unnamed > 0 {
		p.note("", "paste.note.header_unnamed", l10n.Args{"Count": c.unnamed})
	}
	body, ok := p.curlBody(c, opt)
	if !ok {
		return nil, false
	}
	switch ct := strings.ToLower(strings.TrimSpace(c.contentType)); {
	case ct == "" && len(c.data) > 0:
		p.note("", "paste.note.content_type_default", nil)
	case ct != "" && !strings.HasPrefix(ct, "application/json"):
		p.note("", "paste.note.content_type", l10n.Args{"Value": clip(c.contentType)})
	}
	return body, true
}

var trailingSpaceAfterBackslash = regexp.MustCompile(`\\[ \t]+\n`)

// curlArgs are the arguments of a curl command ("curl …", "$ curl …",
// "sudo curl …", "/usr/bin/curl …"), nil for any other command.
func curlArgs(words []*syntax.Word) []*syntax.Word {
	for i, w := range words {
		v := wordValue(w)
		switch {
		case !v.complete:
			return nil
		case v.text == "$" || v.text == "sudo" || v.text == "time" || v.text == "command":
			continue
		case path.Base(v.text) == "curl" || path.Base(v.text) == "curl.exe":
			return words[i+1:]
		}
		return nil
	}
	return nil
}

// parse reads the options and URLs, as curl's own command line does.
func (c *curlCall) parse(words []*syntax.Word) {
	endOfOptions := false
	for i := 0; i < len(words); i++ {
		w := wordValue(words[i])
		if !strings.HasPrefix(w.text, "-") || w.text == "-" || endOfOptions {
			c.positional(w)
			continue
		}
		if w.text == "--" {
			endOfOptions = true
			continue
		}
		next := func(name string) (curlWord, bool) {
			if i+1 >= len(words) {
				c.problem(FieldCurl, "paste.curl.missing_value", l10n.Args{"Option": name})
				c.unreadable = true
				return curlWord{}, false
			}
			i++
			return wordValue(words[i]), true
		}
		if long, ok := strings.CutPrefix(w.text, "--"); ok {
			if !w.complete {
				c.problem(FieldCurl, "paste.curl.expansion", l10n.Args{"What": clip(w.source)})
				continue
			}
			o, known := curlOptions[long]
			if !known {
				if rest, isNo := strings.CutPrefix(long, "no-"); isNo && curlOptions[rest].role == curlIgnore && !curlOptions[rest].arg {
					continue // --no-verbose and the like
				}
				c.problem(FieldCurl, "paste.curl.unknown_option", l10n.Args{"Option": clip("--" + long)})
				c.unreadable = true // the rest cannot be told apart from the option's value
				return
			}
			var v curlWord
			if o.arg {
				if v, ok = next(o.names); !ok {
					return
				}
			}
			c.apply(o, v)
			continue
		}
		// A cluster of short options (-sSk, -XPOST, -sd '{…}'): an option
		// taking a value takes the rest of the word, or the next word.
		for j := 1; j < len(w.text); j++ {
			long, known := curlShort[w.text[j]]
			if !known {
				c.problem(FieldCurl, "paste.curl.unknown_option", l10n.Args{"Option": clip("-" + string(w.text[j]))})
				c.unreadable = true
				return
			}
			o := curlOptions[long]
			if !o.arg {
				c.apply(o, curlWord{})
				continue
			}
			if j+1 < len(w.text) || !w.complete {
				c.apply(o, curlWord{text: w.text[j+1:], complete: w.complete, source: w.source})
			} else if v, ok := next(o.names); ok {
				c.apply(o, v)
			} else {
				return
			}
			break
		}
	}
}

func (c *curlCall) problem(field, id string, args l10n.Args) {
	c.problems = append(c.problems, Problem{Field: field, ID: id, Args: args})
}

// positional is a URL (curl takes any non-option word as one).
func (c *curlCall) positional(w curlWord) {
	if w.complete && strings.TrimSpace(w.text) == "" {
		return // an escaped space left by a line continuation
	}
	c.urls = append(c.urls, w)
}

func (c *curlCall) apply(o curlOption, v curlWord) {
	switch o.role {
	case curlMethod:
		if !v.complete {
			c.problem(FieldMethod, "paste.curl.expansion", l10n.Args{"What": clip(v.source)})
			return
		}
		c.method = strings.ToUpper(strings.TrimSpace(v.text))
	case curlHeader:
		c.header(v)
	case curlData, curlDataBinary, curlDataRaw:
		c.data = append(c.data, curlDataArg{o.role, v})
	case curlJSON:
		c.data = append(c.data, curlDataArg{o.role, v})
		if c.contentType == "" {
			c.contentType = "application/json"
		}
	case curlURL:
		c.urls = append(c.urls, v)
	case curlCredential:
		c.credential(o.names)
		if v.complete && v.text != "" {
			c.secrets = append(c.secrets, v.text)
			if _, pass, ok := strings.Cut(v.text, ":"); ok && pass != "" {
				c.secrets = append(c.secrets, pass)
			}
		}
	case curlGet:
		c.method = "GET"
	case curlHead:
		c.method = "HEAD"
	case curlUnsupported:
		c.problem(FieldCurl, "paste.curl.unsupported", l10n.Args{"Option": o.names})
	}
}

func (c *curlCall) credential(name string) {
	for _, n := range c.creds {
		if strings.EqualFold(n, name) {
			return
		}
	}
	c.creds = append(c.creds, name)
}

// header reads one -H: credentials are dropped (their names kept, their
// values only to scrub messages), Content-Type is kept to compare with
// what ims-wizard sends, the rest are named as ignored.
func (c *curlCall) header(v curlWord) {
	name, value, hasColon := strings.Cut(v.text, ":")
	if !hasColon {
		name, _, hasColon = strings.Cut(v.text, ";") // curl's "Name;" sends an empty header
	}
	name = strings.TrimSpace(name)
	if strings.HasPrefix(name, "@") && v.complete {
		// -H @file: headers from a file. Not read: none of them is used,
		// and a credential in it must not be shown.
		c.unnamed++
		return
	}
	if !hasColon || !headerName.MatchString(name) {
		c.unnamed++ // perhaps a bare token: never shown
		if v.text != "" {
			c.secrets = append(c.secrets, strings.TrimSpace(v.text))
		}
		return
	}
	switch {
	case credentialHeaders.MatchString(name):
		c.credential(name)
		if s := strings.TrimSpace(value); v.complete && s != "" {
			c.secrets = append(c.secrets, s)
			if _, tok, ok := strings.Cut(s, " "); ok && len(tok) >= 4 { // "Bearer TOKEN"
				c.secrets = append(c.secrets, tok)
			}
		}
	case strings.EqualFold(name, "Content-Type"):
		if v.complete {
			c.contentType = strings.TrimSpace(value)
		}
	case strings.EqualFold(name, "Accept"):
		// ims-wizard sends Accept: application/json too
	default:
		for _, h := range c.headers {
			if strings.EqualFold(h, name) {
				return
			}
		}
		c.headers = append(c.headers, name)
	}
}

// createsImage reports POST /v2/images: among several curl commands in a
// ticket (a token request, then the create), the one to reproduce.
func (c *curlCall) createsImage() bool {
	if len(c.urls) == 0 || !c.urls[0].complete {
		return false
	}
	u, err := parseCurlURL(c.urls[0].text)
	return err == nil && strings.HasSuffix(strings.TrimRight(u.Path, "/"), "/v2/images") && c.effectiveMethod() == "POST"
}

func (c *curlCall) effectiveMethod() string {
	switch {
	case c.method != "":
		return c.method
	case len(c.data) > 0:
		return "POST"
	}
	return "GET"
}

// parseCurlURL reads a URL as curl does: without a scheme it is http.
func parseCurlURL(s string) (*url.URL, error) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	return url.Parse(s)
}

// readURL checks the method and path, and notes the endpoint and region
// the URL names. User info and query are never kept.
func (p *Pasted) readURL(c *curlCall) {
	if m := c.effectiveMethod(); m != "POST" {
		p.find(FieldMethod, "paste.curl.method", l10n.Args{"Method": clip(m)})
	}
	if len(c.urls) == 0 {
		p.warnf(FieldURL, "paste.curl.no_url", nil)
		return
	}
	if len(c.urls) > 1 {
		p.note(FieldURL, "paste.note.urls", l10n.Args{"Count": len(c.urls)})
	}
	w := c.urls[0]
	if !w.complete {
		p.find(FieldURL, "paste.curl.expansion", l10n.Args{"What": clip(w.source)})
		return
	}
	u, err := parseCurlURL(w.text)
	if err != nil || u.Host == "" {
		p.find(FieldURL, "paste.curl.bad_url", nil)
		return
	}
	if u.User != nil {
		p.note(FieldURL, "paste.note.url_credentials", nil)
		if pass, ok := u.User.Password(); ok && pass != "" {
			p.secrets = append(p.secrets, pass)
		}
		p.secrets = append(p.secrets, u.User.String())
	}
	if u.RawQuery != "" {
		p.note(FieldURL, "paste.note.query", nil)
	}
	prefix, isCreate := strings.CutSuffix(strings.TrimRight(u.Path, "/"), "/v2/images")
	if !isCreate {
		p.find(FieldURL, "paste.curl.path", l10n.Args{"Path": clip(u.EscapedPath())})
		prefix = ""
	}
	host := strings.ToLower(u.Host)
	p.Endpoint = u.Scheme + "://" + host + prefix
	if region, ok := regionOfHost(host); ok {
		p.Region = region
	} else if m := imsHost.FindStringSubmatch(u.Hostname()); m != nil {
		p.Region, p.unknownRegion = m[1], true
	}
}

// imsHost is the shape of an IMS endpoint's host name.
var imsHost = regexp.MustCompile(`(?i)^ims\.([a-z0-9-]+)\.myhuaweicloud\.[a-z.]+$`)

// regionOfHost is the region whose IMS endpoint (per the SDK) has host.
func regionOfHost(host string) (string, bool) {
	r, ok := regionHosts()[strings.ToLower(host)]
	return r, ok
}

var regionHosts = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for _, id := range Regions() {
		if ep, err := EndpointForRegion(id); err == nil {
			if u, err := url.Parse(ep); err == nil {
				m[strings.ToLower(u.Host)] = id
			}
		}
	}
	return m
})

// curlBody is the body curl would send: every data option's value in
// order, joined with "&" as curl does (--json pieces are concatenated),
// @file read from beside the paste, @- from the command's here-document
// or from opt.Stdin.
func (p *Pasted) curlBody(c *curlCall, opt PasteOptions) ([]byte, bool) {
	if len(c.data) == 0 {
		p.find(FieldBody, "paste.body.none", nil)
		return nil, false
	}
	var pieces [][]byte
	allJSON := true
	ok := true
	for _, d := range c.data {
		if d.role != curlJSON {
			allJSON = false
		}
		if !d.value.complete {
			p.find(FieldBody, "paste.curl.expansion", l10n.Args{"What": clip(d.value.source)})
			ok = false
			continue
		}
		name, fromFile := strings.CutPrefix(d.value.text, "@")
		if d.role == curlDataRaw || !fromFile {
			pieces = append(pieces, []byte(d.value.text))
			continue
		}
		data, read := p.curlFile(c, name, opt)
		if !read {
			ok = false
			continue
		}
		if d.role == curlData { // curl -d @file drops carriage returns and newlines
			data = bytes.ReplaceAll(bytes.ReplaceAll(data, []byte("\r"), nil), []byte("\n"), nil)
		}
		pieces = append(pieces, data)
	}
	if !ok {
		return nil, false
	}
	sep := []byte("&")
	if allJSON {
		sep = nil
	}
	if len(pieces) > 1 {
		p.note(FieldBody, "paste.note.data_joined", l10n.Args{"Count": len(pieces)})
	}
	return bytes.Join(pieces, sep), true
}

// curlFile reads "@name": "-" is the command's standard input.
func (p *Pasted) curlFile(c *curlCall, name string, opt PasteOptions) ([]byte, bool) {
	if name == "-" {
		if data, found, ok := p.stdinOfStmt(c.stmt, opt); found {
			return data, ok
		}
		if opt.Stdin == nil {
			p.find(FieldBody, "paste.curl.stdin", nil)
			return nil, false
		}
		data, err := readCapped(opt.Stdin)
		if err != nil {
			p.find(FieldBody, "paste.curl.file", l10n.Args{"File": "-", "Err": clip(err.Error())})
			return nil, false
		}
		return data, true
	}
	return p.readNamed(name, opt)
}

func (p *Pasted) readNamed(name string, opt PasteOptions) ([]byte, bool) {
	if opt.ReadFile == nil {
		p.find(FieldBody, "paste.curl.no_files", l10n.Args{"File": clip(name)})
		return nil, false
	}
	// Only a file beside the paste (or below it): an absolute name or one
	// climbing out with ".." would reach the engineer's own files.
	rel := filepath.ToSlash(name)
	if filepath.IsAbs(name) || strings.HasPrefix(rel, "/") || !fs.ValidPath(path.Clean(rel)) {
		p.find(FieldBody, "paste.curl.file_outside", l10n.Args{"File": clip(name)})
		return nil, false
	}
	rel = path.Clean(rel)
	shown := clip(filepath.Join(opt.Dir, filepath.FromSlash(rel)))
	data, err := opt.ReadFile(rel)
	switch {
	case err != nil:
		p.find(FieldBody, "paste.curl.file", l10n.Args{"File": shown, "Err": clip(errorText(err))})
		return nil, false
	case len(data) > MaxPasteSize:
		p.find(FieldBody, "paste.curl.file_too_large", l10n.Args{"File": shown, "Max": MaxPasteSize})
		return nil, false
	}
	return data, true
}

// errorText is an error without the path a PathError repeats.
func errorText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// stdinOfStmt is the standard input the command itself gives curl: a
// here-document (as ims-wizard's own --dry-run prints), a here-string or
// "< file". found is false when it has none.
func (p *Pasted) stdinOfStmt(st *syntax.Stmt, opt PasteOptions) (data []byte, found, ok bool) {
	for _, r := range st.Redirs {
		switch r.Op {
		case syntax.Hdoc, syntax.DashHdoc:
			if r.Hdoc == nil {
				return []byte{}, true, true
			}
			if delim := wordValue(r.Word); delim.source != delim.text { // <<'JSON': taken as written
				var b strings.Builder
				for _, part := range r.Hdoc.Parts {
					if lit, isLit := part.(*syntax.Lit); isLit {
						b.WriteString(lit.Value)
					}
				}
				return []byte(b.String()), true, true
			}
			for _, part := range r.Hdoc.Parts {
				if _, isLit := part.(*syntax.Lit); !isLit {
					p.find(FieldBody, "paste.curl.expansion", l10n.Args{"What": "<<" + clip(wordValue(r.Word).source)})
					return nil, true, false
				}
			}
			s, err := expand.Document(&expand.Config{}, r.Hdoc) // not nil: see wordValue
			if err != nil {
				p.find(FieldBody, "paste.curl.expansion", l10n.Args{"What": "<<" + clip(wordValue(r.Word).source)})
				return nil, true, false
			}
			return []byte(s), true, true
		case syntax.WordHdoc:
			v := wordValue(r.Word)
			if !v.complete {
				p.find(FieldBody, "paste.curl.expansion", l10n.Args{"What": "<<< " + clip(v.source)})
				return nil, true, false
			}
			return []byte(v.text + "\n"), true, true
		case syntax.RdrIn:
			v := wordValue(r.Word)
			if !v.complete {
				p.find(FieldBody, "paste.curl.expansion", l10n.Args{"What": "< " + clip(v.source)})
				return nil, true, false
			}
			data, read := p.readNamed(v.text, opt)
			return data, true, read
		}
	}
	return nil, false, false
}

// readCapped reads at most MaxPasteSize bytes; more is an error.
func readCapped(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxPasteSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxPasteSize {
		return nil, fmt.Errorf("more than %d bytes", MaxPasteSize)
	}
	return data, nil
}
