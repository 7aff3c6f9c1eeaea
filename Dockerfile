# Release binaries of platform-server and platform-admin on a slim Debian image.
FROM swift:6.1-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev pkg-config && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --static-swift-stdlib \
    && mkdir /out \
    && cp "$(swift build -c release --show-bin-path)/platform-server" "$(swift build -c release --show-bin-path)/platform-admin" /out/ \
    && cp -R "$(swift build -c release --show-bin-path)/sites-platform_Migrations.resources" /out/

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 ca-certificates tzdata && rm -rf /var/lib/apt/lists/* \
    && useradd --system --no-create-home platform
# The migrations travel as a resource folder next to the binaries.
COPY --from=build /out/ /usr/local/bin/
USER platform
ENV HOST=0.0.0.0 PORT=8080
EXPOSE 8080
CMD ["platform-server"]
