# Multi-stage build of the fat jar; runs as a non-root user.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home /var/lib/mcp-gateway mgw && mkdir -p /var/lib/mcp-gateway && chown mgw /var/lib/mcp-gateway
COPY --from=build /src/app/target/mcp-gateway.jar /opt/mcp-gateway/mcp-gateway.jar
USER mgw
WORKDIR /var/lib/mcp-gateway
ENV MGW_DATA_DIR=/var/lib/mcp-gateway
# Outside a container the management API and /metrics bind loopback; inside one, loopback is unreachable
# from the host, so bind all interfaces and let the port mapping decide (docker-compose maps them to 127.0.0.1).
ENV MGW_MANAGEMENT_HOST=0.0.0.0 MGW_METRICS_HOST=0.0.0.0
EXPOSE 8080 8081 9090
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s CMD bash -c "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /ready HTTP/1.0\r\n\r\n' >&3 && head -1 <&3 | grep -q ' 200 '"
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/mcp-gateway/mcp-gateway.jar"]
