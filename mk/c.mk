.PHONY: c test-c install dist-c
c: ; @echo "TODO c"
test-c: ; @echo "TODO test-c"
install: ; @echo "TODO install"
dist-c: ; @echo "TODO dist-c"
