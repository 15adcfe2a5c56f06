package match

import "sync"

// fieldCache remembers prepared name fields by their text. Names repeat a
// great deal (every Mohammed, every member of a family sharing its name), so
// an Index prepares each spelling once and its persons share the result,
// which saves both time and memory. Prepared fields are never modified.
type fieldCache struct {
	mu sync.RWMutex
	m  map[string]nameField
}

// maxCachedFields bounds the cache, so text typed into checks cannot grow it
// without end; beyond it fields are prepared every time.
const maxCachedFields = 1 << 20

func newFieldCache() *fieldCache { return &fieldCache{m: make(map[string]nameField)} }

// field returns s prepared; a nil cache prepares without remembering.
func (c *fieldCache) field(s string) nameField {
	if c == nil || s == "" {
		return prepareField(s)
	}
	c.mu.RLock()
	f, ok := c.m[s]
	c.mu.RUnlock()
	if ok {
		return f
	}
	f = prepareField(s)
	c.mu.Lock()
	if len(c.m) < maxCachedFields {
		c.m[s] = f
	}
	c.mu.Unlock()
	return f
}
