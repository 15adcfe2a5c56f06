package app

import (
	"github.com/google/uuid"

	"fieldreg/registry"
)

func newID() uuid.UUID { return registry.NewID() }
