package domain

import (
	"encoding/json"
	"time"
)

// AuditEntry records one write: who did what, where, and when.
type AuditEntry struct {
	ID          int64           `json:"id" doc:"Sequence number; entries are listed newest first."`
	At          time.Time       `json:"at" doc:"When the write was committed."`
	Actor       string          `json:"actor" doc:"The credential that made the write."`
	Action      string          `json:"action" doc:"What was done." example:"update"`
	Environment string          `json:"environment,omitempty" doc:"Environment written, absent for account-level writes."`
	Kind        string          `json:"kind" doc:"Type of object written." example:"role"`
	Key         string          `json:"key,omitempty" doc:"Key or id of the object written."`
	Version     int64           `json:"version,omitempty" doc:"Version of the object after the write."`
	Detail      json.RawMessage `json:"detail,omitempty" doc:"Action-specific detail, such as the source and counts of an import."`
}
