# The simulators' runtime: a base with node, plus the production dependencies. Rebuilt only when
# package-lock.json changes. BASE is any image with node (>= 20) at /usr/local/bin/node and the openssl CLI
# on PATH (S/MIME interworking): node:20-bookworm-slim where a registry is reachable; otherwise the
# harness assembles one from this machine's node and openssl (docker/base/Dockerfile, FROM scratch).
# Context: a folder holding package.json and node_modules (production packages only).
ARG BASE=node:20-bookworm-slim
FROM ${BASE}
WORKDIR /app
COPY package.json /app/package.json
COPY node_modules /app/node_modules
