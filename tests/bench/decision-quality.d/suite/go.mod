module example.com/dqsuite

go 1.24
