.PHONY: test-rust rust-examples
test-rust: ; @echo "TODO test-rust"
rust-examples: ; @echo "TODO rust-examples"
