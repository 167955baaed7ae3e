.PHONY: python test-python dist-python
python: ; @echo "TODO python"
test-python: ; @echo "TODO test-python"
dist-python: ; @echo "TODO dist-python"
