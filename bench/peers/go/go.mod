module parity/peers/go

go 1.19
