package backend

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
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

// OpenSealer returns the Sealer for the database st: the key from
// ARBOR_ENCRYPTION_KEY when set, else from keyFile, created with mode 0600
// on first use. An empty keyFile means the key must come from the
// environment: a database shared by replicas needs the one key they all
// hold. Back the key file up with the database: without it, webhook signing
// secrets cannot be read.
//
// The first key to use a database leaves a check value sealed with it in
// the database; a key that cannot open that value is refused here, before
// it seals anything that no other process could read.
func OpenSealer(ctx context.Context, st store.Store, keyFile string) (*Sealer, error) {
	key, source, err := loadKey(keyFile)
	if err != nil {
		return nil, err
	}
	s, err := NewSealer(key)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	if err := s.checkKey(ctx, st, source); err != nil {
		return nil, err
	}
	return s, nil
}

// keyCheckContext and keyCheckPlaintext make the check value; nothing else
// is sealed in this context.
const (
	keyCheckContext   = "encryption-key-check"
	keyCheckPlaintext = "arbor encryption key check"
)

// checkKey opens the database's check value with the key, or stores one
// made with it when the database has none yet.
func (s *Sealer) checkKey(ctx context.Context, st store.Store, source string) error {
	wrongKey := fmt.Errorf("the encryption key from %s is not the key this database's secrets were sealed with, so this process refuses to start; "+
		"give it the key the database was first used with (the one the other replicas or the earlier runs use), "+
		"or the secrets already stored could not be read and new ones would be unreadable to them", source)
	opens := func(sealed []byte) error {
		if plain, err := s.Open(sealed, keyCheckContext); err != nil || string(plain) != keyCheckPlaintext {
			return wrongKey
		}
		return nil
	}
	var sealed []byte
	err := st.View(ctx, func(tx store.Tx) error {
		var err error
		sealed, err = tx.EncryptionKeyCheck()
		return err
	})
	switch {
	case err == nil:
		return opens(sealed)
	case !errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("reading the encryption key check value: %w", err)
	}
	// Another process may store its check value first: the one that is
	// stored is the one checked.
	err = st.Update(ctx, func(tx store.Tx) error {
		existing, err := tx.EncryptionKeyCheck()
		if err == nil {
			return opens(existing)
		}
		if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		// A database from before check values may hold secrets already:
		// the key must open them.
		if sealed, ref, found, err := anySealedSecret(tx); err != nil {
			return err
		} else if found {
			if _, err := s.Open(sealed, sealContext(ref, secretSigningSecret)); err != nil {
				return wrongKey
			}
		}
		return tx.PutEncryptionKeyCheck(s.Seal([]byte(keyCheckPlaintext), keyCheckContext))
	})
	if err != nil {
		return fmt.Errorf("checking the encryption key: %w", err)
	}
	return nil
}

// anySealedSecret finds one webhook signing secret, the secrets sealed with
// the key that live as long as their objects.
func anySealedSecret(tx store.Tx) ([]byte, store.Ref, bool, error) {
	envs, err := tx.Environments()
	if err != nil {
		return nil, store.Ref{}, false, err
	}
	for _, env := range envs {
		hooks, err := tx.Objects(store.Query{Environment: env.Slug, Kind: domain.KindWebhook.Name, Limit: 1})
		if err != nil {
			return nil, store.Ref{}, false, err
		}
		for _, hook := range hooks {
			ref := objectRef(domain.KindWebhook, env.Slug, hook.Key)
			sealed, err := tx.Secret(ref, secretSigningSecret)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			return sealed, ref, err == nil, err
		}
	}
	return nil, store.Ref{}, false, nil
}

// loadKey reads the key from ARBOR_ENCRYPTION_KEY or keyFile and says where
// it came from.
func loadKey(keyFile string) ([]byte, string, error) {
	if v := strings.TrimSpace(os.Getenv(KeyEnv)); v != "" {
		key, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			return nil, "", fmt.Errorf("%s is not base64: %w", KeyEnv, err)
		}
		return key, KeyEnv, nil
	}
	if keyFile == "" {
		return nil, "", fmt.Errorf("%s is not set: this database is shared by replicas, which must all use the same encryption key; "+
			"generate one once (openssl rand -base64 32), keep it in your secret manager and give it to every replica", KeyEnv)
	}
	encoded, err := os.ReadFile(keyFile)
	if errors.Is(err, os.ErrNotExist) {
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, "", err
		}
		encoded = []byte(base64.StdEncoding.EncodeToString(key) + "\n")
		if err := createExclusive(keyFile, encoded); errors.Is(err, os.ErrExist) {
			// Another process created it first: use theirs.
			if encoded, err = os.ReadFile(keyFile); err != nil {
				return nil, "", err
			}
		} else if err != nil {
			return nil, "", fmt.Errorf("creating encryption key file: %w", err)
		}
	} else if err != nil {
		return nil, "", fmt.Errorf("reading encryption key file: %w", err)
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(encoded)))
	if err != nil {
		return nil, "", fmt.Errorf("encryption key file %s is not base64: %w", keyFile, err)
	}
	return key, "the key file " + keyFile, nil
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
