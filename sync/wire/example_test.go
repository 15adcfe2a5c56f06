package wire_test

import (
	"fmt"

	"fieldreg/sync/wire"
)

func ExampleBatcher() {
	b := wire.NewBatcher(4<<10, 32<<10, 256<<10)
	b.Success() // the batch got through: try a bigger one
	fmt.Println(b.Size())
	b.Cut() // the link dropped mid-batch: halve it
	b.Cut()
	fmt.Println(b.Size())
	// Output:
	// 65536
	// 16384
}
