.PHONY: node test-node dist-node
node: ; @echo "TODO node"
test-node: ; @echo "TODO test-node"
dist-node: ; @echo "TODO dist-node"
