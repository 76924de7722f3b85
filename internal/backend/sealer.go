package backend

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Sealer encrypts the secrets the backend must read back in clear (webhook
// signing secrets, remembered responses of idempotent creates) with
// AES-256-GCM. Secrets that only need checking are hashed instead.
type Sealer struct {
	aead cipher.AEAD
}

// NewSealer makes a Sealer from a 32-byte key.
func NewSealer(key []byte) (*Sealer, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("the encryption key must be 32 bytes, got %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead}, nil
}

// Seal encrypts plaintext; context binds the ciphertext to where it is
// stored, so a sealed value copied elsewhere does not open.
func (s *Sealer) Seal(plaintext []byte, context string) []byte {
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plaintext)+s.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return s.aead.Seal(nonce, nonce, plaintext, []byte(context))
}

// Open decrypts a value sealed with the same context.
func (s *Sealer) Open(sealed []byte, context string) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n {
		return nil, errors.New("sealed value too short")
	}
	return s.aead.Open(nil, sealed[:n], sealed[n:], []byte(context))
}

// KeyEnv names the variable that supplies the encryption key (32 bytes,
// base64), for servers whose key is kept in a secret manager.
const KeyEnv = "ARBOR_ENCRYPTION_KEY"

// LoadSealer returns the Sealer for the database at dbPath: the key from
// ARBOR_ENCRYPTION_KEY when set, else from the file <dbPath>.key, created
// with mode 0600 on first use. Back the key file up with the database:
// without it, webhook signing secrets cannot be read.
func LoadSealer(dbPath string) (*Sealer, error) {
	if v := strings.TrimSpace(os.Getenv(KeyEnv)); v != "" {
		key, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			return nil, fmt.Errorf("%s is not base64: %w", KeyEnv, err)
		}
		return NewSealer(key)
	}
	path := dbPath + ".key"
	encoded, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
		encoded = []byte(base64.StdEncoding.EncodeToString(key) + "\n")
		if err := createExclusive(path, encoded); errors.Is(err, os.ErrExist) {
			// Another process created it first: use theirs.
			if encoded, err = os.ReadFile(path); err != nil {
				return nil, err
			}
		} else if err != nil {
			return nil, fmt.Errorf("creating encryption key file: %w", err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("reading encryption key file: %w", err)
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(encoded)))
	if err != nil {
		return nil, fmt.Errorf("encryption key file %s is not base64: %w", path, err)
	}
	return NewSealer(key)
}

// createExclusive writes a file that appears complete or not at all: the
// content goes to a temporary file first, which is then linked into place,
// failing with os.ErrExist if path already exists.
func createExclusive(path string, content []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".arbor-key-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, werr := tmp.Write(content)
	if err := errors.Join(werr, tmp.Chmod(0o600), tmp.Sync(), tmp.Close()); err != nil {
		return err
	}
	return os.Link(tmp.Name(), path)
}
