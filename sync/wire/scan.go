package wire

import "fmt"

// maxDepth bounds how deeply a message nests arrays and maps. The deepest
// message (a stamp resolved by a write in a column of a batch in a request)
// nests 7 deep.
const maxDepth = 12

// scan walks an encoded message without decoding it, so that a message
// beyond limits is refused before anything is allocated for it: a 1-byte
// empty map becomes a struct of a hundred bytes and more once decoded, so
// bytes alone do not bound what decoding costs; data items do. It refuses
// more than maxItems data items (every map, array, key and value counts),
// nesting beyond maxDepth, indefinite lengths, tags, a length longer than
// the bytes left, and bytes after the message.
func scan(data []byte, maxItems int) error {
	left := []uint64{1} // items still to read in each open array or map; the message is one item
	pos, items := 0, 0
	for len(left) > 0 {
		top := len(left) - 1
		if left[top] == 0 {
			left = left[:top]
			continue
		}
		left[top]--
		if pos >= len(data) {
			return fmt.Errorf("%w: message cut short", ErrMalformed)
		}
		major, info := data[pos]>>5, data[pos]&0x1f
		pos++
		var arg uint64
		switch {
		case info < 24:
			arg = uint64(info)
		case info <= 27:
			n := 1 << (info - 24) // 1, 2, 4 or 8 bytes follow
			if len(data)-pos < n {
				return fmt.Errorf("%w: message cut short", ErrMalformed)
			}
			for _, b := range data[pos : pos+n] {
				arg = arg<<8 | uint64(b)
			}
			pos += n
		default:
			return fmt.Errorf("%w: indefinite length or reserved value at byte %d", ErrMalformed, pos-1)
		}
		if items++; items > maxItems {
			return fmt.Errorf("%w: more than %d data items", ErrTooLarge, maxItems)
		}
		rest := uint64(len(data) - pos)
		switch major {
		case 2, 3: // byte or text string
			if arg > rest {
				return fmt.Errorf("%w: a string of %d bytes with %d left", ErrMalformed, arg, rest)
			}
			pos += int(arg)
		case 4, 5: // array or map: every element takes a byte at least
			if major == 5 {
				if arg > rest/2 {
					return fmt.Errorf("%w: a map of %d pairs with %d bytes left", ErrMalformed, arg, rest)
				}
				arg *= 2
			}
			if arg > rest {
				return fmt.Errorf("%w: an array of %d elements with %d bytes left", ErrMalformed, arg, rest)
			}
			if len(left) > maxDepth { // left holds one more than the arrays and maps open
				return fmt.Errorf("%w: nested more than %d deep", ErrTooLarge, maxDepth)
			}
			left = append(left, arg)
		case 6:
			return fmt.Errorf("%w: a tag at byte %d", ErrMalformed, pos-1)
		}
	}
	if pos != len(data) {
		return fmt.Errorf("%w: %d bytes after the message", ErrMalformed, len(data)-pos)
	}
	return nil
}
