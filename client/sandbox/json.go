package sandbox

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
)

// member is one key of an object whose key order matters.
type member struct {
	key   string
	value any
}

// object is a JSON object written in its members' order: the image is
// written in the order of the seed's example response, which a Go map would
// lose.
type object []member

func (o object) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			buf.WriteByte(',')
		}
		if err := encodeTo(&buf, m.key); err != nil {
			return nil, err
		}
		buf.WriteByte(':')
		if err := encodeTo(&buf, m.value); err != nil {
			return nil, err
		}
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// encodeTo writes v without HTML escaping ("<" stays "<"), as Glance does.
func encodeTo(buf *bytes.Buffer, v any) error {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	buf.Truncate(buf.Len() - 1) // Encode's newline
	return nil
}

// writeJSON encodes before writing, so an encoding failure is a clean 500
// rather than half a body.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	if err := encodeTo(&buf, v); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"error":{"code":"` + sandboxCode(http.StatusInternalServerError) + `","message":"encoding the answer failed"}}`)
	}
	buf.WriteByte('\n')
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
