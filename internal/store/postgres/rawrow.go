package postgres

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// rawRow decodes a row's columns in order from its raw values, as pgx's
// Scan would into bool, int64, string and []byte, in either wire format:
// binary, which pgx asks for with its statement cache, or text, which the
// simple protocol (default_query_exec_mode in the URL) answers in. The
// first error is kept in err and ends the decoding; a NULL is one.
type rawRow struct {
	values [][]byte
	fields []pgconn.FieldDescription
	next   int
	err    error
}

// value is the next column's raw value and whether it is in binary.
func (r *rawRow) value() ([]byte, bool, bool) {
	if r.err != nil {
		return nil, false, false
	}
	i := r.next
	if i >= len(r.values) || i >= len(r.fields) {
		r.err = fmt.Errorf("reading column %d of a row of %d", i+1, len(r.values))
		return nil, false, false
	}
	r.next++
	v := r.values[i]
	if v == nil {
		r.err = fmt.Errorf("column %d (%s) is NULL", i+1, r.fields[i].Name)
		return nil, false, false
	}
	return v, r.fields[i].Format == pgtype.BinaryFormatCode, true
}

// skip passes over n columns, whatever they hold.
func (r *rawRow) skip(n int) {
	if r.err == nil {
		r.next += n
	}
}

func (r *rawRow) bool() bool {
	v, binaryFormat, ok := r.value()
	switch {
	case !ok:
		return false
	case binaryFormat && len(v) == 1:
		return v[0] != 0
	case !binaryFormat && len(v) == 1 && (v[0] == 't' || v[0] == 'f'):
		return v[0] == 't'
	}
	r.fail("a boolean")
	return false
}

func (r *rawRow) int64() int64 {
	v, binaryFormat, ok := r.value()
	if !ok {
		return 0
	}
	if binaryFormat {
		switch len(v) {
		case 8:
			return int64(binary.BigEndian.Uint64(v))
		case 4:
			return int64(int32(binary.BigEndian.Uint32(v)))
		case 2:
			return int64(int16(binary.BigEndian.Uint16(v)))
		}
	} else if n, err := strconv.ParseInt(string(v), 10, 64); err == nil {
		return n
	}
	r.fail("an integer")
	return 0
}

// text is a text or bytea column's value.
func (r *rawRow) text() []byte {
	v, binaryFormat, ok := r.value()
	if !ok || binaryFormat || r.fields[r.next-1].DataTypeOID != pgtype.ByteaOID {
		return v
	}
	// bytea in text is hex: \x0123…
	if hexDigits, found := bytes.CutPrefix(v, []byte(`\x`)); found {
		out := make([]byte, hex.DecodedLen(len(hexDigits)))
		if _, err := hex.Decode(out, hexDigits); err == nil {
			return out
		}
	}
	r.fail("bytea in hex")
	return nil
}

// bytes is a copy of a text or bytea column's value: the raw values are
// only good until the next row.
func (r *rawRow) bytes() []byte {
	v := r.text()
	if v == nil {
		return nil
	}
	return bytes.Clone(v)
}

func (r *rawRow) string() string { return string(r.text()) }

// fail records that the column just read does not hold what was wanted.
func (r *rawRow) fail(want string) {
	i := r.next - 1
	r.err = fmt.Errorf("column %d (%s, type %d, format %d) does not hold %s", i+1, r.fields[i].Name, r.fields[i].DataTypeOID, r.fields[i].Format, want)
}
