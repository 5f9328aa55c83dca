# syntax=docker/dockerfile:1
#
# The portfolio as a minimal, static image. Build and run locally with
#   docker build -t portfolio . && docker run -p 2222:2222 -v portfolio:/data portfolio
# or deploy to Fly.io with fly.toml (see docs/self-hosting.md, from the top).
# The content is the one built in (content/), or a folder on the volume
# (PORTFOLIO_CONTENT=/data/content), read again on SIGHUP (`portfolio reload`
# on the machine: the image has no shell and no kill) or by itself with
# PORTFOLIO_WATCH=true.

# --- build -------------------------------------------------------------------
FROM golang:1.27.3-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
# A static binary (no cgo), no build paths inside, the version stamped in.
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X main.version=${VERSION}" \
      -o /out/portfolio ./cmd/portfolio

# --- run ---------------------------------------------------------------------
# distroless/static: no shell, no package manager, CA certificates and
# /etc/passwd with the unprivileged "nonroot" user (65532).
FROM gcr.io/distroless/static-debian12
COPY --from=build /out/portfolio /usr/local/bin/portfolio

# Everything the server writes lives on the volume at /data: messages
# (messages.jsonl) and, unless PORTFOLIO_HOST_KEY is set, the host key. The
# root filesystem can be mounted read-only.
ENV PORTFOLIO_ADDR=:2222 \
    PORTFOLIO_HTTP_ADDR=:8080 \
    PORTFOLIO_DATA_DIR=/data \
    PORTFOLIO_HOST_KEY_DIR=/data/hostkeys \
    PORTFOLIO_RUN_AS=65532:65532
VOLUME /data
EXPOSE 2222 8080

# The process starts as root only to hand the volume (which platforms mount
# owned by root) to user 65532, then drops to that user before it listens
# (see cmd/portfolio/privileges_linux.go). To run as 65532 from the start on
# a volume it already owns: docker run --user 65532:65532 …
USER root
WORKDIR /
ENTRYPOINT ["/usr/local/bin/portfolio"]
