# certsonar: one image for every component (scanner, aggregator, notifier, run, demo).
#   docker build -t certsonar .
#   docker run --rm certsonar scan example.com
FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
# Poms first, so the dependency layer is reused while only sources change.
COPY pom.xml ./
COPY schemas/pom.xml schemas/
COPY sandbox/pom.xml sandbox/
COPY scanner/pom.xml scanner/
COPY aggregator/pom.xml aggregator/
COPY notifier/pom.xml notifier/
COPY cli/pom.xml cli/
RUN --mount=type=cache,target=/root/.m2 mvn -B -ntp -q dependency:go-offline -DexcludeGroupIds=dev.certsonar || true
COPY . .
RUN --mount=type=cache,target=/root/.m2 mvn -B -ntp -q install -DskipTests

FROM eclipse-temurin:21-jre
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --home-dir /var/lib/certsonar certsonar \
 && mkdir -p /var/lib/certsonar/data \
 && chown certsonar /var/lib/certsonar/data
COPY --from=build /src/cli/target/lib/ /opt/certsonar/lib/
COPY --from=build /src/cli/target/certsonar-cli.jar /opt/certsonar/certsonar-cli.jar
USER certsonar
WORKDIR /var/lib/certsonar
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "--enable-native-access=ALL-UNNAMED", \
            "-cp", "/opt/certsonar/certsonar-cli.jar:/opt/certsonar/lib/*", "dev.certsonar.cli.Main"]
CMD ["--help"]
