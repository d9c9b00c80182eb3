# Everything a developer or operator runs. `make start` on a fresh machine installs, builds,
# migrates and runs the whole service; `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help
.PHONY: help install build migrate start runserver runworker runadmin generatetoken createsuperuser test test-unit test-cluster bench loadtest

help:
	@echo "make start                                     install, migrate and run api + worker (+ admin)"
	@echo "make test                                      run every test (local PostgreSQL and RabbitMQ)"
	@echo "make test-unit                                 run the unit tests alone: no services, seconds"
	@echo "make test-cluster                              run the RabbitMQ cluster tests alone (private 3-node clusters on loopback)"
	@echo "make generatetoken email=E [app=A] [scope=S]   issue an application token (last stdout line); S: write,read,schema,admin"
	@echo "make createsuperuser email=E [password=P]      create an admin panel operator (password prompted if not given)"
	@echo "make migrate | runserver | runworker | runadmin  one step at a time"

node_modules/.package-lock.json: package.json package-lock.json shared/package.json api/package.json worker/package.json admin/package.json loadtest/package.json client/package.json
	@# npm ci installs exactly the lock file, which lists every platform's optional packages: the tree stays clean
	npm ci --no-audit --no-fund --loglevel=error

install: node_modules/.package-lock.json

build: install
	npx --no-install tsc -b

migrate: build
	node shared/dist/cli/migrate.js

start: migrate
	./scripts/start.sh

runserver: migrate
	node api/dist/main.js

runworker: migrate
	node worker/dist/main.js

runadmin: migrate
	node admin/dist/main.js

generatetoken: build
	@node shared/dist/cli/generate-token.js --email "$(email)" $(if $(app),--app "$(app)") $(if $(scope),--scope "$(scope)")

createsuperuser: migrate
	@node shared/dist/cli/create-superuser.js --email "$(email)" $(if $(password),--password "$(password)")

test: install
	./scripts/ensure-system-packages.sh
	npx --no-install tsc -b
	npx --no-install tsc -p tsconfig.test.json
	NODE_OPTIONS=--experimental-vm-modules npx --no-install jest

test-unit: build
	NODE_OPTIONS=--experimental-vm-modules npx --no-install jest --selectProjects unit

# each test file starts RabbitMQ clusters of its own from the installed RabbitMQ; `make test` runs them too
test-cluster: build
	NODE_OPTIONS=--experimental-vm-modules npx --no-install jest --selectProjects cluster

bench: build
	node loadtest/dist/bench/main.js

loadtest: build
	./scripts/loadtest.sh
