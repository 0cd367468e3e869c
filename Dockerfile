# anpi-call: production image (see docs/deployment.md).
#
#   docker build -t anpi-call .
#   docker run --rm -p 8080:8080 --env-file .env anpi-call
#
# Stage 1 builds a release binary with the Swift standard library and Foundation linked in
# statically; stage 2 is debian:bookworm-slim with only the shared libraries that binary still
# needs (the Debian codec libraries, libstdc++, zlib) and the CA certificates for TLS to Twilio
# and OpenAI. Both stages are Debian 12, so the -dev packages the binary was linked against and
# the runtime packages installed below are the same versions.

ARG SWIFT_IMAGE=swift:6.3-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

# ---------------------------------------------------------------------------------------------
FROM ${SWIFT_IMAGE} AS builder

# The C libraries the package links (the list in .ci/deps.sh). Versions are not pinned: they
# come from bookworm and its security updates, like the runtime packages below.
# hadolint ignore=DL3008
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        pkg-config libspeexdsp-dev libopus-dev libopusenc-dev libogg-dev libssl-dev zlib1g-dev \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /build

# Dependencies first, so that a source change does not fetch them again. Package.resolved is
# optional (the bracket makes the glob match nothing when it is absent); when present, the
# image gets exactly the dependency versions it pins.
COPY Package.swift Package.resolve[d] ./
RUN swift package resolve

# Package.swift declares test targets, and SwiftPM refuses to load a package whose test target
# folders are missing, so Tests/ is copied too; it is not built. Benchmarks/ is a separate
# package and is not needed.
COPY CSources ./CSources
COPY Sources ./Sources
COPY Tests ./Tests

# Build, then stage what the runtime image needs in /staging: the binary, the SwiftPM resource
# bundles that sit next to it (found by Bundle.module beside the executable) and the Swift
# runtime's crash backtracer, so that a crash prints a symbolicated backtrace to the log.
RUN swift build -c release --static-swift-stdlib --product anpi-call \
    && bin="$(swift build -c release --static-swift-stdlib --show-bin-path)" \
    && mkdir -p /staging \
    && cp "$bin/anpi-call" /staging/ \
    && find "$bin" -mindepth 1 -maxdepth 1 -name '*.resources' -exec cp -R {} /staging/ \; \
    && cp "$(dirname "$(readlink -f "$(command -v swift)")")/../libexec/swift/linux/swift-backtrace-static" /staging/ \
    && chmod -R a+rX,go-w /staging \
    && ls -l /staging

# ---------------------------------------------------------------------------------------------
FROM ${RUNTIME_IMAGE} AS runtime

# What the binary links besides libc and the Swift runtime (ldd on a release build): libopusenc0,
# libopus0, libspeexdsp1, libstdc++6 (+ libgcc-s1), zlib1g. TLS is BoringSSL inside the binary,
# so no libssl; it reads the trust roots from ca-certificates. tzdata lets TZ=Asia/Tokyo work
# for log timestamps (UTC without it).
# hadolint ignore=DL3008
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        ca-certificates tzdata libspeexdsp1 libopus0 libopusenc0 libstdc++6 zlib1g \
    && rm -rf /var/lib/apt/lists/*

# An unprivileged user; the files in /app stay owned by root, so the process cannot change them.
# Call records (SQLite) go to /var/lib/anpi-call, the one folder it may write: mount a volume there.
RUN groupadd --system --gid 10001 anpi \
    && useradd --system --uid 10001 --gid anpi --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin anpi \
    && install -d -o 10001 -g 10001 -m 0750 /var/lib/anpi-call

WORKDIR /app
COPY --from=builder /staging/ /app/

# Numeric, so that platforms enforcing runAsNonRoot can check it without /etc/passwd.
USER 10001:10001

# HOST/PORT as the gateway reads them (Cloud Run sets PORT itself). The gateway reads a .env
# file from its working directory, /app, which has none: pass settings as environment
# variables (docker run --env-file, or the platform's secrets).
ENV HOST=0.0.0.0 \
    PORT=8080 \
    DATA_DIR=/var/lib/anpi-call \
    LOG_LEVEL=info \
    SWIFT_BACKTRACE=enable=yes,sanitize=yes,threads=all,images=all,interactive=no,swift-backtrace=/app/swift-backtrace-static

EXPOSE 8080

# On SIGTERM the gateway stops taking calls, lets active calls finish for up to
# DRAIN_TIMEOUT_SECONDS, then ends the rest with a short spoken message and exits.
# It runs as PID 1 and handles SIGTERM/SIGINT itself.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/app/anpi-call"]
CMD ["serve"]
