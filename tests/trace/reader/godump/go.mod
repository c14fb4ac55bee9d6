module perfgate.local/godump

go 1.26
