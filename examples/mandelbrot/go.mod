module example.com/mandelbrot

go 1.22
