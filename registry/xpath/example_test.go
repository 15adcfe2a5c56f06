package xpath_test

import (
	"fmt"
	"time"

	"fieldreg/registry/xpath"
)

func Example() {
	relevant, err := xpath.Parse("${age} >= 18 and selected(${needs}, 'shelter')")
	if err != nil {
		panic(err)
	}
	fmt.Println(relevant.Refs())

	env := xpath.MapEnv{
		Values: map[string]string{"age": "34", "needs": "food shelter"},
		Date:   time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
	}
	show, _ := relevant.Eval(env)
	fmt.Println(show.Bool())

	env.Values["age"] = "" // unanswered: the question stays hidden
	show, _ = relevant.Eval(env)
	fmt.Println(show.Bool())

	_, err = xpath.Parse("pulldata('sites', 'pcode', 'name', ${site})")
	fmt.Println(err)
	// Output:
	// [age needs]
	// true
	// false
	// at 1: unknown function "pulldata"
}
