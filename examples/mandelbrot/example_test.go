package mandelbrot_test

import (
	"fmt"

	"example.com/mandelbrot"
)

func ExampleRender() {
	img, err := mandelbrot.Render(40, 30, 100, mandelbrot.ColumnPool)
	if err != nil {
		panic(err)
	}
	// The centre of the image, -0.5+0i, is in the set and therefore black.
	fmt.Println(img.Bounds(), img.GrayAt(20, 15).Y)
	// Output: (0,0)-(40,30) 0
}
