module example.com/tracecorpus

go 1.24
