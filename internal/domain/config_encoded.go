package domain

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"sort"
	"sync"
)

// EncodedObject is one object of a document's encoding: its key and its
// bytes there.
type EncodedObject struct {
	Key   string
	Bytes []byte
}

// Lines of Encode's output: the document's fields are indented by two
// spaces, a section's objects by four, their fields by six. JSON strings
// hold no raw newline, so each line is one of these or deeper.
var (
	encodedField       = []byte(`  "`)
	encodedObjectStart = []byte(encodedObjectPrefix + "{")
	encodedObjectEnd   = []byte("    }")
	encodedKey         = []byte(`      "key": `)
	encodedSectionEnd  = []byte("  ]")
)

// EncodedDocument is a document's encoding split into its objects.
type EncodedDocument struct {
	SourceEnvironment string
	// Sections holds each section's objects in document order.
	Sections map[string][]EncodedObject
}

// EncodedObjects splits a canonical document's encoding (Encode's output)
// into its objects, per section in document order, without decoding them:
// Encode writes equal objects as equal bytes, so two encodings compare
// object by object by their bytes. An encoding Encode did not write is an
// error.
func EncodedObjects(encoded []byte) (*EncodedDocument, error) {
	sections := map[string]bool{}
	for _, s := range ConfigSections {
		sections[s.Name] = true
	}
	doc := &EncodedDocument{Sections: map[string][]EncodedObject{}}
	out := doc.Sections
	lines := bytes.SplitAfter(encoded, []byte("\n"))
	bad := func(n int, why string) error {
		return fmt.Errorf("line %d of the document is not as its canonical encoding writes it: %s", n+1, why)
	}
	if len(lines) < 2 || string(lines[0]) != "{\n" {
		return nil, bad(0, "it opens with no {")
	}
	section := ""
	var object *EncodedObject
	start := 0
	for n := 1; n < len(lines); n++ {
		line := bytes.TrimSuffix(lines[n], []byte("\n"))
		switch {
		case object != nil:
			if bytes.Equal(line, encodedObjectEnd) || (bytes.HasPrefix(line, encodedObjectEnd) && string(line[len(encodedObjectEnd):]) == ",") {
				object.Bytes = bytes.Join(lines[start:n+1], nil)
				object.Bytes = bytes.TrimSuffix(bytes.TrimSuffix(object.Bytes, []byte("\n")), []byte(","))
				if object.Key == "" {
					return nil, bad(n, "an object of "+section+" has no key")
				}
				out[section] = append(out[section], *object)
				object = nil
				continue
			}
			if bytes.HasPrefix(line, encodedKey) {
				value := bytes.TrimSuffix(line[len(encodedKey):], []byte(","))
				if err := json.Unmarshal(value, &object.Key); err != nil {
					return nil, bad(n, "a key that is not a string")
				}
			}
		case section != "":
			switch {
			case bytes.Equal(line, encodedObjectStart):
				object, start = &EncodedObject{}, n
			case bytes.Equal(line, encodedSectionEnd) || string(line) == string(encodedSectionEnd)+",":
				section = ""
			default:
				return nil, bad(n, "neither an object nor the end of "+section)
			}
		case bytes.HasPrefix(line, encodedField):
			name, value, ok := bytes.Cut(line[len(encodedField):], []byte(`": `))
			if !ok {
				return nil, bad(n, "a field with no value")
			}
			if string(name) == "source_environment" {
				if err := json.Unmarshal(bytes.TrimSuffix(value, []byte(",")), &doc.SourceEnvironment); err != nil {
					return nil, bad(n, "a source environment that is not a string")
				}
			}
			if !sections[string(name)] {
				continue
			}
			switch string(bytes.TrimSuffix(value, []byte(","))) {
			case "[]":
				out[string(name)] = []EncodedObject{}
			case "[":
				section = string(name)
				out[section] = []EncodedObject{}
			default:
				return nil, bad(n, "section "+string(name)+" is not a list")
			}
		case string(line) == "}" && n >= len(lines)-2:
			if n == len(lines)-2 && len(lines[n+1]) > 0 {
				return nil, bad(n+1, "something follows the document")
			}
			return doc, nil
		default:
			return nil, bad(n, "not a field of the document")
		}
	}
	return nil, bad(len(lines)-1, "it ends before its closing }")
}

// encodedObjectPrefix is what begins an object's bytes in Encode's
// output, before its {: the indent of a section's objects.
const encodedObjectPrefix = "    "

// SentAsEncoded reports whether an object's bytes as sent (SentObjects:
// from its { to its }) are encoded, the bytes EncodeObject wrote for it.
func SentAsEncoded(sent, encoded []byte) bool {
	rest, ok := bytes.CutPrefix(encoded, []byte(encodedObjectPrefix))
	return ok && bytes.Equal(rest, sent)
}

// EncodeObject is the bytes Encode writes for o, a canonical object of a
// section, without the comma that may follow it: the bytes EncodedObjects
// gives for it. A document is assembled from them (Assemble) without
// encoding its objects anew.
func EncodeObject(o any) ([]byte, error) {
	bufs := encodeBuffers.Get().(*encodeBuffer)
	defer func() {
		if bufs.compact.Cap() <= maxPooledEncode && cap(bufs.indented) <= maxPooledEncode {
			encodeBuffers.Put(bufs)
		}
	}()
	bufs.compact.Reset()
	enc := json.NewEncoder(&bufs.compact)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(o); err != nil {
		return nil, err
	}
	compact := bytes.TrimSuffix(bufs.compact.Bytes(), []byte("\n"))
	prefix := []byte(encodedObjectPrefix)
	bufs.indented = appendIndented(append(bufs.indented[:0], prefix...), compact, prefix, "  ")
	return bytes.Clone(bufs.indented), nil
}

// encodeBuffer is what EncodeObject writes an object into, the compact
// encoding and then the indented one, before it copies out the bytes
// it returns. A review encodes tens of thousands of objects; a buffer
// made for each, grown as it was written, was about a tenth of such a
// review's CPU (profiled). A buffer that grew past maxPooledEncode,
// for an object far larger than most, is let go.
type encodeBuffer struct {
	compact  bytes.Buffer
	indented []byte
}

var encodeBuffers = sync.Pool{New: func() any { return new(encodeBuffer) }}

const maxPooledEncode = 64 << 10

// appendIndented appends to dst the JSON value compact as json.Indent
// writes it with prefix and indent, byte for byte: each element and
// member on a line of its own, beginning with prefix and one indent per
// depth, empty arrays and objects as [] and {}, ": " between a name and
// its value, and every string's bytes as they are. json.Indent validates
// as it goes, with a scanner that costs as much as the encoding itself;
// compact comes from encoding/json, which wrote it valid. Whitespace
// between tokens is dropped, as json.Indent drops it; compact has none
// after its value, which json.Indent would keep.
func appendIndented(dst, compact []byte, prefix []byte, indent string) []byte {
	newline := func(depth int) {
		dst = append(dst, '\n')
		dst = append(dst, prefix...)
		for range depth {
			dst = append(dst, indent...)
		}
	}
	depth := 0
	opened := false // a [ or { was the last byte: its first line is not begun
	for i := 0; i < len(compact); i++ {
		c := compact[i]
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		}
		if opened && c != ']' && c != '}' {
			opened = false
			depth++
			newline(depth)
		}
		switch c {
		case '"':
			// A string, as it is: up to the quote no backslash escapes.
			end := i + 1
			for end < len(compact) && compact[end] != '"' {
				if compact[end] == '\\' {
					end++
				}
				end++
			}
			dst = append(dst, compact[i:min(end+1, len(compact))]...)
			i = end
		case '[', '{':
			opened = true
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			newline(depth)
		case ':':
			dst = append(dst, c, ' ')
		case ']', '}':
			if opened {
				opened = false
			} else {
				depth--
				newline(depth)
			}
			dst = append(dst, c)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// Assemble is Encode's output for a document of d's format version and
// source environment whose sections hold the objects given, each as
// EncodeObject wrote it, in the order given (key order, as Canonicalize
// puts them); d's own sections are not read. The document's frame is
// Encode's own, its sections spliced in.
func (d *ConfigDocument) Assemble(sections map[string][]EncodedObject) ([]byte, error) {
	size := 1024
	for _, objects := range sections {
		for _, o := range objects {
			size += len(o.Bytes) + 2
		}
	}
	out := bytes.NewBuffer(make([]byte, 0, size+64*len(sections)))
	if err := d.assembleTo(out, sections); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// AssembledVersion is ConfigVersionOf(Assemble(sections)), hashed as the
// pieces are written, without the encoding whole: an export's version is
// needed at once, its encoding only when someone downloads it.
func (d *ConfigDocument) AssembledVersion(sections map[string][]EncodedObject) (string, error) {
	h := sha256.New()
	if err := d.assembleTo(h, sections); err != nil {
		return "", err
	}
	return "sha256-" + hex.EncodeToString(h.Sum(nil)), nil
}

// assembleTo writes Assemble's output to w, piece by piece; w is a buffer
// or a hash, whose writes never fail.
func (d *ConfigDocument) assembleTo(w io.Writer, sections map[string][]EncodedObject) error {
	frame, err := (&ConfigDocument{FormatVersion: d.FormatVersion, SourceEnvironment: d.SourceEnvironment}).Encode()
	if err != nil {
		return err
	}
	rest := frame
	for _, s := range ConfigSections {
		objects := sections[s.Name]
		if len(objects) == 0 {
			continue
		}
		empty := []byte("\n" + string(encodedField) + s.Name + `": []`)
		i := bytes.Index(rest, empty)
		if i < 0 {
			return fmt.Errorf("a document of format version %d has no section %s", d.FormatVersion, s.Name)
		}
		// The empty list's closing ], after which the section goes on.
		end := i + len(empty) - 1
		w.Write(rest[:end])
		w.Write([]byte{'\n'})
		for n, o := range objects {
			if n > 0 {
				w.Write([]byte(",\n"))
			}
			w.Write(o.Bytes)
		}
		w.Write([]byte{'\n'})
		w.Write(encodedSectionEnd)
		rest = rest[end+1:]
	}
	_, err = w.Write(rest)
	return err
}

// EncodeObjects is EncodedObjects of d's encoding, each object encoded on
// its own (EncodeObject) rather than the document whole and then split: a
// review compares an uploaded document object by object and never needs
// its encoding whole. The objects are encoded by as many goroutines as Go
// runs at once: a document of megabytes is a page's wait.
func (d *ConfigDocument) EncodeObjects() (*EncodedDocument, error) {
	return d.EncodeObjectsKnowing(nil)
}

// EncodeObjectsKnowing is EncodeObjects, taking an object's bytes from
// known where it gives them (non-nil) instead of encoding it: known must
// give only the bytes EncodeObject writes for the object of that section
// and key (a review knows those its target holds).
func (d *ConfigDocument) EncodeObjectsKnowing(known func(section, key string) []byte) (*EncodedDocument, error) {
	out := &EncodedDocument{SourceEnvironment: d.SourceEnvironment, Sections: map[string][]EncodedObject{}}
	// The objects of every section are numbered in one run, each
	// section's from starts[i] on.
	var lists []reflect.Value
	var names []string
	var encoded [][]EncodedObject
	var starts []int
	total := 0
	for _, s := range d.sections() {
		if s.since > d.FormatVersion {
			// Encode leaves a section out of a document older than it.
			continue
		}
		list := reflect.ValueOf(s.items).Elem()
		objects := make([]EncodedObject, list.Len())
		out.Sections[s.Kind.Section()] = objects
		lists, names, encoded, starts = append(lists, list), append(names, s.Kind.Section()), append(encoded, objects), append(starts, total)
		total += list.Len()
	}
	err := ForEachParallel(total, func(n int) error {
		s := sort.SearchInts(starts, n+1) - 1
		i := n - starts[s]
		o := lists[s].Index(i).Addr().Interface()
		key := o.(interface{ ObjectKey() string }).ObjectKey()
		var b []byte
		if known != nil {
			b = known(names[s], key)
		}
		if b == nil {
			var err error
			if b, err = EncodeObject(o); err != nil {
				return err
			}
		}
		encoded[s][i] = EncodedObject{Key: key, Bytes: b}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
