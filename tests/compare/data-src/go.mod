module example.com/perfgate/compare-data

go 1.22
