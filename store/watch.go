package store

import "fieldreg/registry"

// watchers are the callers told of every record a commit writes, so that
// screens showing records can follow changes instead of each writer
// refreshing them by hand. Unlike an Indexer, a watcher hears only what
// changes after it starts: attaching one costs nothing.
type watchers struct {
	next int
	fns  map[int]func(registry.Record)
}

// Watch calls fn with every record that a commit, a received change or a
// bundle writes from now on, once it is durable. fn runs on the committing
// goroutine with the workspace locked for writing, so it must return at
// once and must not call the workspace: signal another goroutine instead.
// stop ends it; watchers also end when the workspace is closed or locked.
func (w *Workspace) Watch(fn func(registry.Record)) (stop func()) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.watch.fns == nil {
		w.watch.fns = make(map[int]func(registry.Record))
	}
	id := w.watch.next
	w.watch.next++
	w.watch.fns[id] = fn
	return func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		delete(w.watch.fns, id)
	}
}

// tell gives rec to every watcher. The caller holds w.mu.
func (ws *watchers) tell(rec registry.Record) {
	for _, fn := range ws.fns {
		fn(rec)
	}
}
