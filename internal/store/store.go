// Package store persists Arbor's state. Store is the interface the backend
// uses; the sqlite and postgres packages implement it, database opens
// either from one --database value, and storetest holds the test-suite
// every implementation must pass. Nothing outside this tree knows which
// database is underneath.
package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

var (
	// ErrNotFound is returned when a row does not exist.
	ErrNotFound = errors.New("not found")
	// ErrExists is returned when an insert meets an existing row.
	ErrExists = errors.New("already exists")
)

// ErrUnavailable is matched (errors.Is) by every error of a database that
// cannot be reached or that lost the connection: an outage, not a bug. The
// backend answers it 503 with Retry-After; its cause stays in the log.
var ErrUnavailable = errors.New("the database is unavailable")

// UnavailableError is a store's error when its database cannot be reached
// or the connection was lost. Err is the driver's error.
type UnavailableError struct {
	Err error
	// Uncertain is set when the connection was lost while a COMMIT was
	// on its way: the write may have been made. Retried with the same
	// Idempotency-Key, it is answered as made, or runs anew.
	Uncertain bool
}

func (e *UnavailableError) Error() string {
	if e.Uncertain {
		return "the database became unavailable while committing (the write may have been made): " + e.Err.Error()
	}
	return "the database is unavailable: " + e.Err.Error()
}

func (e *UnavailableError) Unwrap() []error { return []error{ErrUnavailable, e.Err} }

// Unavailable wraps err in an UnavailableError when isOutage says it is
// one, and returns it unchanged otherwise (nil included).
func Unavailable(err error, isOutage func(error) bool) error {
	if err == nil || errors.Is(err, ErrUnavailable) || !isOutage(err) {
		return err
	}
	return &UnavailableError{Err: err}
}

// UniqueError is returned by PutObject when a unique value is already held
// by another object of the same kind and environment.
type UniqueError struct {
	Name, Value string
	// Holder is the key of the object already holding the value.
	Holder string
}

func (e *UniqueError) Error() string {
	return fmt.Sprintf("%s %q is already used by %q", e.Name, e.Value, e.Holder)
}

// ReferencedError is returned by DeleteObject when other objects still
// point at the one being deleted.
type ReferencedError struct {
	By []Ref
}

func (e *ReferencedError) Error() string {
	return fmt.Sprintf("still referenced by %d object(s)", len(e.By))
}

// DanglingError is returned by PutObject when a reference points at an
// object that does not exist.
type DanglingError struct {
	To Ref
}

func (e *DanglingError) Error() string {
	return fmt.Sprintf("%s %q does not exist", e.To.Kind, e.To.Key)
}

// Store is a transactional store.
type Store interface {
	// View runs fn in a read-only transaction.
	View(ctx context.Context, fn func(Tx) error) error
	// Lookup runs fn, which makes a single read, on the latest committed
	// state: one statement sees one snapshot by itself, so a store may
	// spare the transaction View begins (and refuse a second read).
	Lookup(ctx context.Context, fn func(Tx) error) error
	// Update runs fn in a read-write transaction, committed only if fn
	// returns nil. Every write the backend makes goes through Update.
	Update(ctx context.Context, fn func(Tx) error) error
	// Close releases the store's resources.
	Close() error
}

// Backuper is a store that can write a consistent copy of itself to a
// file; a store whose database is backed up by other means explains them
// in Backup's error.
type Backuper interface {
	Backup(ctx context.Context, path string) error
}

// Object is a keyed object as stored: its envelope and its JSON body.
type Object struct {
	// Environment is "" for account-level objects.
	Environment string
	Kind        string
	Key         string
	Version     int64
	Body        []byte
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Ref addresses an object.
type Ref struct {
	Environment, Kind, Key string
}

// Unique is a value that no two objects of one kind in one environment may
// share, such as an identity's email.
type Unique struct {
	Name, Value string
}

// Query selects objects of one kind in one environment, in key order.
type Query struct {
	Environment string
	Kind        string
	// After is an exclusive lower bound on the key, for pagination.
	After string
	// Limit caps the number of objects returned; 0 means no limit.
	Limit int
	// ReferencesTo keeps only objects that reference this object.
	ReferencesTo *Ref
}

// IdempotencyRecord is the remembered outcome of a POST made with an
// Idempotency-Key.
type IdempotencyRecord struct {
	Principal   string
	Key         string
	Fingerprint []byte
	// Body is sealed by the backend: it may hold a secret shown once.
	Body      []byte
	CreatedAt time.Time
}

// Session is a console sign-in: the hash of its random id (the id itself
// is only in the browser's cookie) and the account token it acts as.
type Session struct {
	Hash      []byte
	TokenID   string
	CreatedAt time.Time
	SeenAt    time.Time
}

// AuditQuery selects audit entries, newest first.
type AuditQuery struct {
	Environment string
	// Kind and Actor, when set, keep only entries of that object type and
	// by that credential.
	Kind, Actor string
	// Before is an exclusive upper bound on the entry id, for pagination.
	Before int64
	Limit  int
}

// Changes are the change numbers an in-memory copy of an environment's
// objects is checked against. Every committed write takes the next number
// of one sequence shared by the whole database, and stamps it on each
// environment it wrote in (and on the account, when it wrote account-level
// objects). Writes are serialised on every store, so the numbers follow
// commit order: a copy read in a snapshot whose numbers are at least those
// a request reads holds every write committed before that request's read.
// A stamp is never reused, even by an environment deleted and created again
// under the same slug.
type Changes struct {
	// Environment is the number of the last write in the environment: to
	// its objects, their secrets and history, its API keys or its own row.
	Environment int64
	// Account is the number of the last write to account-level objects
	// (identities), which every environment's access checks read.
	Account int64
}

// Covers reports whether a copy read at c holds every write committed
// before numbers were read as want.
func (c Changes) Covers(want Changes) bool {
	return c.Environment >= want.Environment && c.Account >= want.Account
}

// KindStamps say which kinds of objects the writes in an environment
// wrote, so that what was derived from its objects of one kind at one
// change number can be known to hold at a later one without reading them.
// Each write that stamps kinds records, beside its change number, the
// number on each (environment, kind) it wrote objects of. A write of a
// release older than the stamps (a replica during a rolling upgrade, or
// PostgreSQL's triggers stamping for one) moves the environment's number
// and not At: the stamps are not trusted over it until a write of this
// release starts them again, from Since.
type KindStamps struct {
	// Environment is the environment's change number (Changes.Environment)
	// in the same snapshot.
	Environment int64
	// At is the number of the last write that stamped its kinds; while it
	// is Environment, every write numbered above Since stamped its kinds.
	At, Since int64
	// Kinds holds, by kind, the number of the last write that wrote
	// objects of it; a kind no write stamped is absent.
	Kinds map[string]int64
}

// Unwritten reports whether the environment's objects of kind are known
// to be what they were at change number after: the stamps cover every
// write numbered above after, up to the environment's number, and none of
// them wrote objects of kind. False says only that it is not known.
func (k KindStamps) Unwritten(kind string, after int64) bool {
	return k.Covered(after) && k.Kinds[kind] <= after
}

// Covered reports whether the stamps cover every write numbered above
// after, up to the environment's number: each stamped the kinds, and the
// keys (Tx.KeysWritten), of the objects it wrote.
func (k KindStamps) Covered(after int64) bool {
	return k.At == k.Environment && k.Since <= after && after <= k.Environment
}

// CredentialKind says which table a credential lives in.
type CredentialKind int

const (
	CredentialToken CredentialKind = iota
	CredentialAPIKey
)

// RequestState is what a request starts from, read in one statement: its
// credential, the environment it names, the account settings and the
// environment's change numbers.
type RequestState struct {
	// Token or APIKey is the credential asked for; both are nil when it
	// does not exist. Hash is its secret's hash.
	Token  *domain.Token
	APIKey *domain.APIKey
	Hash   []byte
	// Environment is nil when none was asked for or it does not exist,
	// with Position set otherwise.
	Environment *domain.Environment
	Settings    domain.Settings
	// Changes.Environment is 0 when Environment is nil.
	Changes Changes
	// Object is the object asked for, nil when none was or it does not
	// exist. It is read before the credential is checked: the caller
	// uses it only once the credential holds.
	Object *Object
}

// Prefetcher is a Tx that can read objects ahead: Prefetch names objects
// the transaction is about to read with Object, and a store that
// pipelines statements (PostgreSQL) sends their reads with its next
// statement, sparing a round trip each. Object then answers as it would
// have: a read ahead is forgotten once the transaction writes what it may
// have changed. A store
// whose reads cost no round trip (SQLite) does not implement it.
type Prefetcher interface {
	Prefetch(refs ...Ref)
}

// readsKey carries the objects a write is about to read (WithReads).
type readsKey struct{}

// WithReads returns ctx naming the objects the write Update is given ctx
// for will read first (the object a PUT replaces). A store that queues
// writes (PostgreSQL's group commit) may read them while the write waits
// for the one before it, in that one's round trip; the write's Object
// still answers as a read made in its turn would. It is a hint: a store
// may ignore it.
func WithReads(ctx context.Context, refs ...Ref) context.Context {
	if len(refs) == 0 {
		return ctx
	}
	return context.WithValue(ctx, readsKey{}, refs)
}

// Reads returns the objects WithReads named in ctx.
func Reads(ctx context.Context) []Ref {
	refs, _ := ctx.Value(readsKey{}).([]Ref)
	return refs
}

// Tx is one transaction. Methods on a Tx from View fail on writes.
type Tx interface {
	// Request reads, in one statement, the credential of kind and id, the
	// environment env ("" for none), the settings and the change numbers:
	// everything a request needs before its own reads (see RequestState);
	// with object set, also that object, so that a GET of one object is
	// one statement.
	Request(kind CredentialKind, id, env string, object *Ref) (RequestState, error)
	// Changes reads the change numbers of env, ErrNotFound when it does
	// not exist.
	Changes(env string) (Changes, error)

	// KindStamps reads env's kind stamps, ErrNotFound when it does not
	// exist: a statement of a few rows, one per kind written there.
	KindStamps(env string) (KindStamps, error)
	// KeysWritten returns, in key order, the keys of env's objects of
	// kind, a kind of the configuration document (domain.ConfigSections),
	// that a write numbered above after put or deleted, at most limit of
	// them (0: no limit). Every write that stamps kinds stamps the keys it
	// wrote of those kinds with its number, so the answer is every such
	// key where the kind stamps read in the same snapshot cover after
	// (KindStamps.Covered), and says nothing elsewhere.
	KeysWritten(env, kind string, after int64, limit int) ([]string, error)

	// Environments returns every environment in promotion order, with
	// Position set.
	Environments() ([]domain.Environment, error)
	Environment(slug string) (domain.Environment, error)
	// InsertEnvironment places a new environment just below production.
	InsertEnvironment(e domain.Environment) error
	// UpdateEnvironment writes the mutable fields of an environment.
	UpdateEnvironment(e domain.Environment) error
	// DeleteEnvironment removes an environment and everything in it.
	DeleteEnvironment(slug string) error

	Settings() (domain.Settings, error)
	PutSettings(s domain.Settings) error

	InsertToken(t domain.Token, hash []byte) error
	// Token returns a token and its secret's hash.
	Token(id string) (domain.Token, []byte, error)
	Tokens(after string, limit int) ([]domain.Token, error)
	DeleteToken(id string) error
	CountTokens() (int, error)
	// TokensWithRole returns the first limit tokens of role, by id, and
	// how many hold it.
	TokensWithRole(role domain.OperatorRole, limit int) ([]domain.Token, int, error)

	InsertAPIKey(k domain.APIKey, hash []byte) error
	// APIKey returns a key and its secret's hash.
	APIKey(id string) (domain.APIKey, []byte, error)
	APIKeys(env, after string, limit int) ([]domain.APIKey, error)
	// UpdateAPIKey writes k's name, scope and version; k.Environment is
	// the key's environment, whose change number the write moves.
	UpdateAPIKey(k domain.APIKey) error
	DeleteAPIKey(id string) error

	Object(env, kind, key string) (Object, error)
	Objects(q Query) ([]Object, error)
	// PutObject inserts or replaces an object with its references and
	// unique values, replacing the ones it had.
	PutObject(o Object, refs []Ref, uniques []Unique) error
	// DeleteObject removes an object; it fails with a ReferencedError while
	// others reference it.
	DeleteObject(env, kind, key string) error
	// Referrers lists up to limit objects that reference to (0 = all).
	Referrers(to Ref, limit int) ([]Ref, error)
	// CountObjects counts the objects of a kind in an environment.
	CountObjects(env, kind string) (int, error)

	// PutSecret stores a secret value (hashed or sealed by the caller) of an
	// object; it is removed with the object.
	PutSecret(o Ref, name string, value []byte) error
	Secret(o Ref, name string) ([]byte, error)

	// AppendHistory records an immutable snapshot of an object version.
	AppendHistory(o Object) error
	// History lists an object's snapshots, newest first, with version < before (0 = all).
	History(o Ref, before int64, limit int) ([]Object, error)

	AppendAudit(e domain.AuditEntry) error
	Audit(q AuditQuery) ([]domain.AuditEntry, error)

	IdempotencyRecord(principal, key string) (IdempotencyRecord, error)
	// PutIdempotencyRecord records r, replacing the principal's record of
	// the same key: a request replayed no more runs as new and is
	// remembered anew.
	PutIdempotencyRecord(r IdempotencyRecord) error
	// ExpireIdempotencyRecords removes records created before t.
	ExpireIdempotencyRecords(before time.Time) error

	// EncryptionKeyCheck returns the value the backend sealed with its
	// encryption key when the database was first used (ErrNotFound
	// before), so that a process holding another key is refused before it
	// seals anything.
	// InsertSession records a console session; Session reads one by the
	// hash of its id, with the token it acts as (ErrNotFound when either
	// is gone: deleting a token deletes its sessions).
	InsertSession(s Session) error
	Session(hash []byte) (Session, domain.Token, error)
	// TouchSession records that the session was used at seen.
	TouchSession(hash []byte, seen time.Time) error
	DeleteSession(hash []byte) error
	// ExpireSessions deletes the sessions idle since before idleBefore or
	// created before createdBefore.
	ExpireSessions(idleBefore, createdBefore time.Time) error

	EncryptionKeyCheck() ([]byte, error)
	PutEncryptionKeyCheck(value []byte) error
}

// EnvironmentLocale is the default locale an environment is stored with:
// its own, or domain.DefaultLocale when it names none, as the column's
// default gives the environments written before it existed.
func EnvironmentLocale(e domain.Environment) string {
	if e.DefaultLocale == "" {
		return domain.DefaultLocale
	}
	return e.DefaultLocale
}
