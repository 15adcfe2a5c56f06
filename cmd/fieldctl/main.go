package main

import (
	"os"
	"time"
)

func main() {
	e := newEnv(os.Stdin, os.Stdout, os.Stderr, os.Getenv, time.Now)
	os.Exit(run(e, os.Args[1:]))
}
