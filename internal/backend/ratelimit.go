package backend

import (
	"math"
	"strconv"
	"sync"
	"time"
)

// rateLimiter is a token bucket per credential: rate requests per second on
// average, bursts of up to one second's worth (and at least one request, so
// a rate below one per second still lets requests through).
type rateLimiter struct {
	rate float64
	now  func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func (l *rateLimiter) burst() float64 { return math.Max(1, l.rate) }

func newRateLimiter(rate float64, now func() time.Time) *rateLimiter {
	return &rateLimiter{rate: rate, now: now, buckets: map[string]*bucket{}}
}

// allow takes a token for who, or says how many seconds to wait for one.
func (l *rateLimiter) allow(who string) (retryAfter string, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[who]
	if b == nil {
		b = &bucket{tokens: l.burst(), last: now}
		l.buckets[who] = b
	}
	b.tokens = math.Min(l.burst(), b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return "", true
	}
	wait := math.Ceil((1 - b.tokens) / l.rate)
	return strconv.Itoa(int(math.Max(1, wait))), false
}
