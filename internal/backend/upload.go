package backend

import (
	"crypto/sha256"
	"io"
	"slices"
)

// Upload is a configuration document as a person uploaded it (the
// console's import form), with the SHA-256 of its bytes: the review of an
// import is kept under that digest.
// Its fields are unexported, so that no Upload holds bytes with another
// digest than theirs: only NewUpload and ReadUpload make one.
type Upload struct {
	bytes []byte
	sum   [sha256.Size]byte
}

// NewUpload is b as uploaded, hashed here.
func NewUpload(b []byte) Upload {
	return Upload{bytes: b, sum: sha256.Sum256(b)}
}

// Bytes are the upload's bytes: shared, never to be changed.
func (u Upload) Bytes() []byte { return u.bytes }

// uploadHashBatch is how many bytes ReadUpload reads before it hands them
// to the hash: few enough hand-overs that they cost nothing beside the
// hashing, and the last batch, hashed after the read ends, is short.
const uploadHashBatch = 256 << 10

// ReadUpload reads an upload from r to its end (the caller bounds r), and hashes it on another
// goroutine as it arrives: for a document of megabytes the digest is ready
// about when the last byte is (the read and the hash each take about as
// long; one after the other they took twice that). size, when known (the
// request's length), sizes the buffer, so that it is not grown and copied.
func ReadUpload(r io.Reader, size int64) (Upload, error) {
	buf := make([]byte, 0, max(min(size, DefaultDocumentLimit+1), 512))
	batches := make(chan []byte, 8)
	hashed := make(chan [sha256.Size]byte, 1)
	go func() {
		h := sha256.New()
		for b := range batches {
			h.Write(b)
		}
		hashed <- [sha256.Size]byte(h.Sum(nil))
	}()
	// The hash ends with the read, however the read ends (a panic in r
	// too): its goroutine is not left waiting for more.
	closed := false
	defer func() {
		if !closed {
			close(batches)
		}
	}()
	// Every batch handed over is a part of buf already read and never
	// written again: when buf grows, the batches hold the array before
	// it, which the hash alone reads.
	from := 0
	var err error
	for {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, len(buf))
		}
		var n int
		n, err = r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if len(buf)-from >= uploadHashBatch {
			batches <- buf[from:]
			from = len(buf)
		}
		if err != nil {
			break
		}
	}
	batches <- buf[from:]
	close(batches)
	closed = true
	sum := <-hashed
	if err != io.EOF {
		return Upload{}, err
	}
	return Upload{bytes: buf, sum: sum}, nil
}
