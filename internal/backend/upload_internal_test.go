package backend

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

// ReadUpload's digest, made while the bytes arrive, is the SHA-256 of the
// bytes it returns, whatever the reads' sizes and whatever size it was
// told to expect; an error reading is the upload's.
func TestReadUploadHashesWhatItRead(t *testing.T) {
	doc := make([]byte, 3*uploadHashBatch+12345)
	for i := range doc {
		doc[i] = byte(i * 7)
	}
	for _, c := range []struct {
		name string
		sent []byte
		r    func(sent []byte) io.Reader
		size int64
	}{
		{"empty", nil, nil, 0},
		{"one byte at a time", doc[:5000], func(b []byte) io.Reader { return iotest.OneByteReader(bytes.NewReader(b)) }, 5000},
		{"size unknown", doc, nil, -1},
		{"size told short", doc, nil, 1000},
		{"size told exact", doc, nil, int64(len(doc))},
		{"size told long", doc, nil, int64(len(doc)) * 2},
		{"half reads", doc, func(b []byte) io.Reader { return iotest.HalfReader(bytes.NewReader(b)) }, int64(len(doc))},
		{"data and EOF at once", doc, func(b []byte) io.Reader { return iotest.DataErrReader(bytes.NewReader(b)) }, int64(len(doc))},
	} {
		t.Run(c.name, func(t *testing.T) {
			var r io.Reader = bytes.NewReader(c.sent)
			if c.r != nil {
				r = c.r(c.sent)
			}
			up, err := ReadUpload(r, c.size)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(up.bytes, c.sent) {
				t.Errorf("read %d bytes, not the %d sent", len(up.bytes), len(c.sent))
			}
			if want := sha256.Sum256(c.sent); up.sum != want {
				t.Errorf("digest %x, want %x", up.sum, want)
			}
		})
	}
	broken := errors.New("connection reset")
	if _, err := ReadUpload(io.MultiReader(bytes.NewReader(doc), iotest.ErrReader(broken)), int64(len(doc))); !errors.Is(err, broken) {
		t.Errorf("a read that fails: %v, want %v", err, broken)
	}
}
