package client

import (
	"bytes"
	"encoding/json"
	"io"
	"net/url"
	"slices"
	"strings"

	"github.com/ims-wizard/ims-wizard/client/l10n"
)

// A support ticket carries the customer's request as a POST /v2/images body
// or as the curl command that sent it. ParsePasted turns either into the
// request ims-wizard would send, with everything IMS would refuse (by
// field, all at once) and everything ims-wizard does differently (ignored
// credentials, the region, defaults), as catalogue messages.

// PasteForm is what was pasted.
type PasteForm string

const (
	PasteJSON PasteForm = "json" // a request body on its own
	PasteCurl PasteForm = "curl" // a curl command line
)

// Problem fields for what is not a field of the body.
const (
	FieldPaste  = "paste"  // the paste as a whole: shell syntax, no curl command
	FieldBody   = "body"   // the body as a whole: not JSON, not an object
	FieldMethod = "method" // the curl command's HTTP method
	FieldURL    = "url"    // the curl command's URL
	FieldCurl   = "curl"   // a curl option ims-wizard cannot reproduce
)

// MaxPasteSize bounds a paste and every file it names: a create body is a
// few hundred bytes, a ticket's command a few KiB.
const MaxPasteSize = 1 << 20

// PasteOptions say where a curl command's "@file" and "@-" are read from.
type PasteOptions struct {
	// Dir is the directory "@file" names are read from, for messages: the
	// pasted file's own directory (the current one for a paste on stdin).
	Dir string
	// ReadFile reads a file of Dir by its slash-separated name relative to
	// it (-d @body.json, < body.json); nil refuses such names. Only names
	// inside Dir are asked for: a paste from a ticket must not make
	// ims-wizard read, show or send any other file of this machine.
	ReadFile func(name string) ([]byte, error)
	// Stdin is what "-d @-" reads when the paste has no here-document;
	// nil (the paste itself came from standard input) refuses it.
	Stdin io.Reader
}

// Pasted is a request reconstructed from a paste. It never holds a
// credential: pasted credential headers and options are dropped while
// parsing, only their names are kept, and their values are scrubbed from
// every message.
type Pasted struct {
	Form PasteForm
	// Body is the request body exactly as pasted (after curl's own
	// processing: -d @file drops newlines): what --no-validate sends.
	Body []byte
	// WellFormed reports that Body is one JSON object: it can be sent.
	WellFormed bool
	// Request is what the body asks for, decoded field by field: the known
	// fields whose JSON type is right, and the extra string properties in
	// their order; the OS version exactly as pasted, no defaults added.
	Request Request
	// Findings are the paste's own problems, by field: a body that is not
	// JSON, wrong JSON types, read-only or unknown keys, a curl command
	// that is not POST /v2/images. A body key with an error is left out
	// of Request (the wizard shows these as dropped).
	Findings Problems
	// Endpoint is the pasted URL's scheme, host and any path before
	// /v2/images, without user info or query; Region is the region its host
	// names (ims.<region>.myhuaweicloud.com), "" if none.
	Endpoint, Region string

	members       []pastedMember    // the body's top-level keys, in order
	present       map[string]bool   // the body's top-level keys
	dups          map[string]int    // keys given more than once, and how often
	rawVals       map[string][]byte // known fields' pasted values, compact, for differences
	asText        map[string]string // mistyped known fields as a person would type them
	nulls         map[string]bool   // known fields given as null
	notes         []Note            // what the paste does that ims-wizard will not
	creds         []string          // names of the credential headers and options ignored
	unknownRegion bool              // Region is not one IMS serves
	secrets       []string          // credential values, kept only to scrub them from messages
}

// Note is something the paste does that ims-wizard will do differently,
// worded for the support engineer: a catalogue message and its parameters.
type Note struct {
	Field string // the API field it is about, "" for the paste as a whole
	ID    string
	Args  l10n.Args
}

// Text is the note in loc's language (nil: English).
func (n Note) Text(loc *l10n.Localizer) string { return loc.T(n.ID, n.Args) }

// ParsePasted reads a paste: a JSON body if its first non-space character
// is "{", else a curl command line. It never fails: what is wrong is in
// Findings, and WellFormed says whether there is a body to send.
func ParsePasted(text []byte, opt PasteOptions) *Pasted {
	p := &Pasted{asText: map[string]string{}, nulls: map[string]bool{}, present: map[string]bool{},
		dups: map[string]int{}, rawVals: map[string][]byte{}}
	text = bytes.TrimPrefix(text, []byte("\xef\xbb\xbf")) // a byte-order mark from a Windows editor
	if len(text) > MaxPasteSize {
		p.find(FieldPaste, "paste.too_large", l10n.Args{"Max": MaxPasteSize})
		return p
	}
	if trimmed := bytes.TrimLeft(text, " \t\r\n"); len(trimmed) > 0 && trimmed[0] == '{' {
		p.Form = PasteJSON
		p.decodeBody(text)
		return p
	}
	p.Form = PasteCurl
	if body, ok := p.readCurl(text, opt); ok {
		p.decodeBody(body)
	}
	p.scrub()
	return p
}

func (p *Pasted) find(field, id string, args l10n.Args) {
	p.Findings = append(p.Findings, Problem{Field: field, ID: id, Args: args})
}

func (p *Pasted) warnf(field, id string, args l10n.Args) {
	p.Findings = append(p.Findings, Problem{Field: field, ID: id, Args: args, Severity: SeverityWarning})
}

func (p *Pasted) note(field, id string, args l10n.Args) {
	p.notes = append(p.notes, Note{Field: field, ID: id, Args: args})
}

// scrub removes every pasted credential value from the messages, in case
// one was quoted (a malformed header, a value in the wrong place).
func (p *Pasted) scrub() {
	if len(p.secrets) == 0 {
		return
	}
	clean := func(args l10n.Args) {
		for k, v := range args {
			if s, ok := v.(string); ok {
				for _, secret := range p.secrets {
					s = strings.ReplaceAll(s, secret, "[…]")
				}
				args[k] = s
			}
		}
	}
	for _, f := range p.Findings {
		clean(f.Args)
	}
	for _, n := range p.notes {
		clean(n.Args)
	}
	p.secrets = nil
}

// Prepared is the request ims-wizard sends for the paste: the decoded
// fields, IMS's defaults for those left out (or null), the OS version's
// spacing normalised.
func (p *Pasted) Prepared() Request {
	r := p.Request
	d := NewRequest()
	if r.ContainerFormat == "" {
		r.ContainerFormat = d.ContainerFormat
	}
	if r.DiskFormat == "" {
		r.DiskFormat = d.DiskFormat
	}
	if r.Visibility == "" {
		r.Visibility = d.Visibility
	}
	r.OSVersion = NormalizeOSVersion(r.OSVersion)
	r.Tags = slices.Clone(r.Tags)
	r.Properties = slices.Clone(r.Properties)
	return r
}

// Input is the paste as the wizard's typed text (client.Input, with the
// extra properties): the prepared request, and for a known field whose
// JSON type was wrong, its value as a person would have typed it
// ("min_disk": "100" becomes 100 in the sizes step), so that the review
// opens with what the customer meant and the problem shown.
func (p *Pasted) Input() Input {
	in := InputOf(p.Prepared())
	for field, text := range p.asText {
		switch field {
		case FieldName:
			in.Name = text
		case FieldOSVersion:
			in.OSVersion = text
		case FieldDiskFormat:
			in.DiskFormat = text
		case FieldContainerFormat:
			in.ContainerFormat = text
		case FieldVisibility:
			in.Visibility = text
		case FieldMinDisk:
			in.MinDisk = text
		case FieldMinRAM:
			in.MinRAM = text
		case FieldTags:
			in.Tags = text
		case FieldProtected:
			in.Protected = text == "true"
		}
	}
	return in
}

// Fields are the request fields the paste gives (known fields only, in
// the order pasted): the ones a prefilled wizard should not take from a
// draft.
func (p *Pasted) Fields() []string {
	var out []string
	for _, m := range p.members {
		if isKnownField(m.key) {
			out = append(out, m.key)
		}
	}
	return out
}

// Problems is everything to report about sending sent for this paste: the
// paste's findings, then (when a body was read) sent.Validate(cat) for the
// fields whose pasted value could be read. Fields in replaced were set by the caller (flags
// next to --from): their findings no longer apply.
func (p *Pasted) Problems(sent Request, cat *Catalog, replaced ...string) Problems {
	var ps Problems
	for _, f := range p.Findings {
		if !slices.Contains(replaced, f.Field) {
			ps = append(ps, f)
		}
	}
	if !p.WellFormed {
		return ps // no body was read: its fields cannot be judged
	}
	for _, v := range sent.Validate(cat) {
		if len(p.Findings.For(v.Field)) > 0 && !slices.Contains(replaced, v.Field) {
			continue // the field's pasted value was unreadable: said once, by the finding
		}
		ps = append(ps, v)
	}
	return ps
}

// Notices are what the support engineer must know before anything is
// sent: the pasted credentials that are ignored and the ones used instead
// (auth), the region or endpoint the pasted URL names and where requests go
// (target: its label; endpoint: its base URL), the options and headers that
// do not carry over, the extra properties kept.
func (p *Pasted) Notices(auth AuthInfo, target, endpoint string) []Note {
	var out []Note
	if len(p.creds) > 0 {
		out = append(out, Note{ID: "paste.note.credentials", Args: l10n.Args{
			"Names": strings.Join(p.creds, ", "), "Count": len(p.creds), "Auth": auth}}) // a Texter: said in the note's language
	}
	switch {
	case p.Endpoint == "":
	case sameHost(p.Endpoint, endpoint):
		out = append(out, Note{Field: FieldURL, ID: "paste.note.url_same", Args: l10n.Args{"Target": target}})
	case p.Region != "" && !p.unknownRegion && auth.Kind == AuthNone:
		// --region alone would still mean the sandbox: say what else it takes.
		out = append(out, Note{Field: FieldURL, ID: "paste.note.region_needs_credentials", Args: l10n.Args{"Region": p.Region, "Target": target}})
	case p.Region != "" && !p.unknownRegion:
		out = append(out, Note{Field: FieldURL, ID: "paste.note.region", Args: l10n.Args{"Region": p.Region, "Target": target}})
	case p.Region != "":
		out = append(out, Note{Field: FieldURL, ID: "paste.note.region_unknown", Args: l10n.Args{"Region": p.Region, "Target": target}})
	default:
		out = append(out, Note{Field: FieldURL, ID: "paste.note.endpoint", Args: l10n.Args{"Endpoint": p.Endpoint, "Target": target}})
	}
	out = append(out, p.notes...)
	if n := len(p.Request.Properties); n > 0 {
		keys := make([]string, n)
		for i, prop := range p.Request.Properties {
			keys[i] = quoted(Inert(prop.Key))
		}
		out = append(out, Note{ID: "paste.note.properties", Args: l10n.Args{"Count": n, "Keys": strings.Join(keys, ", ")}})
	}
	return out
}

func sameHost(a, b string) bool {
	ua, errA := url.Parse(a)
	ub, errB := url.Parse(b)
	return errA == nil && errB == nil && ua.Host != "" && strings.EqualFold(ua.Host, ub.Host)
}

// Differences are how sent differs from the pasted body, one note per
// field in the order of the body ims-wizard sends: defaults IMS applies to
// fields left out, the OS version's spacing, values replaced, keys given
// twice, null values; then whether the layout differs. None when sent's
// body is the pasted body byte for byte.
func (p *Pasted) Differences(sent Request) []Note {
	// A final newline (a here-document has one) is no difference.
	if bytes.Equal(bytes.TrimSpace(sent.Body()), bytes.TrimSpace(p.Body)) {
		return nil
	}
	var out []Note
	add := func(field, id string, args l10n.Args) {
		if args == nil {
			args = l10n.Args{}
		}
		args["Field"] = field
		out = append(out, Note{Field: field, ID: id, Args: args})
	}
	for _, field := range requestFields {
		sentVal := fieldJSON(sent, field)
		pasted, given := p.rawVals[field]
		switch {
		case p.nulls[field] && sentVal != "":
			add(field, "paste.diff.null_default", l10n.Args{"Value": sentVal})
		case p.nulls[field]:
			add(field, "paste.diff.null", nil)
		case !p.present[field] && sentVal != "" && isDefaulted(field):
			add(field, "paste.diff.default", l10n.Args{"Value": sentVal})
		case !p.present[field] && sentVal != "":
			add(field, "paste.diff.added", l10n.Args{"Value": clip(sentVal)})
		case p.present[field] && sentVal == "":
			add(field, "paste.diff.dropped", l10n.Args{"Pasted": clip(string(pasted))})
		case given && string(pasted) != sentVal && field == FieldOSVersion &&
			NormalizeOSVersion(p.Request.OSVersion) == sent.OSVersion:
			add(field, "paste.diff.os_spacing", l10n.Args{"Pasted": clip(string(pasted)), "Sent": sentVal})
		case given && string(pasted) != sentVal:
			add(field, "paste.diff.changed", l10n.Args{"Pasted": clip(string(pasted)), "Sent": clip(sentVal)})
		}
		if n := p.dups[field]; n > 1 {
			add(field, "paste.diff.duplicate", l10n.Args{"Count": n})
		}
	}
	for _, m := range p.members {
		if !isKnownField(m.key) && m.count > 1 && hasProperty(sent, m.key) {
			add(m.key, "paste.diff.duplicate", l10n.Args{"Count": m.count})
		}
	}
	out = append(out, Note{ID: "paste.diff.layout"})
	return out
}

func hasProperty(r Request, key string) bool {
	for _, p := range r.Properties {
		if p.Key == key {
			return true
		}
	}
	return false
}

// isDefaulted: the fields IMS fills in when a request leaves them out.
func isDefaulted(field string) bool {
	switch field {
	case FieldContainerFormat, FieldDiskFormat, FieldVisibility, FieldProtected:
		return true
	}
	return false
}

// fieldJSON is the compact JSON value of field in r's body, "" if the body
// leaves it out.
func fieldJSON(r Request, field string) string {
	var v any
	switch field {
	case FieldName:
		v = r.Name
	case FieldOSVersion:
		v = r.OSVersion
	case FieldContainerFormat:
		v = r.ContainerFormat
	case FieldDiskFormat:
		v = r.DiskFormat
	case FieldVisibility:
		v = r.Visibility
	case FieldProtected:
		return string(compactJSON(r.Protected))
	case FieldTags:
		if len(r.Tags) == 0 {
			return ""
		}
		v = r.Tags
	case FieldMinDisk:
		if r.MinDisk == nil {
			return ""
		}
		v = *r.MinDisk
	case FieldMinRAM:
		if r.MinRAM == nil {
			return ""
		}
		v = *r.MinRAM
	}
	if s, ok := v.(string); ok && s == "" {
		return ""
	}
	return string(compactJSON(v))
}

// compactJSON is v in one line, HTML characters as they are.
func compactJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // strings, numbers, bools and string slices only
	return bytes.TrimRight(buf.Bytes(), "\n")
}

// clip shortens a value shown in a message and makes it safe to print.
func clip(s string) string {
	const max = 60
	s = Inert(s)
	if r := []rune(s); len(r) > max {
		return string(r[:max-1]) + "…"
	}
	return s
}
