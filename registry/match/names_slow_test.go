package match

import "fieldreg/registry"

func normalizedWordsSlow(s string) []string { return registry.NameTokens(s) }
