import Foundation

/// Where a PostgreSQL study store is: `postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE`, with
/// an optional `?sslmode=disable|prefer|require` (default `prefer`, as libpq's) and
/// `connect_timeout=SECONDS` (default 10). `postgres://` is accepted too. The password, when the
/// URL has none, comes from `PGPASSWORD`.
public struct PostgreSQLLocation: Sendable, Hashable, CustomStringConvertible {
    /// TLS to the server.
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, else plain TCP (libpq's default).
        case prefer
        /// TLS or fail; the certificate is checked against the system's roots and the host name.
        case require
    }

    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var tls: TLSMode
    /// Seconds to wait for the server to answer a connection.
    public var connectTimeout: Double

    /// The location without the password: what messages and `study` print.
    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "postgresql://\(user)@\(shownHost):\(port)/\(database)"
    }

    /// Whether `text` names a PostgreSQL store rather than a folder.
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    /// Parses a URL.
    /// - Parameters:
    ///   - text: the URL.
    ///   - environment: where `PGPASSWORD` is read (the process's).
    /// - Throws: `StudyStorageError.database` naming the part that is wrong and the fix.
    public init(
        _ text: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        func bad(_ detail: String) -> StudyStorageError {
            .database(
                location: "--storage",
                message: "\(detail) in `\(Self.redacted(text))`; fix: write it as "
                    + "postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE")
        }
        guard Self.isURL(text) else { throw bad("not a postgresql:// URL") }
        guard let components = URLComponents(string: text) else {
            throw bad(
                "not a well-formed URL (check for spaces, and percent-encode @ : / in the "
                    + "password)")
        }
        guard let host = components.host, !host.isEmpty else { throw bad("no host") }
        guard let user = components.user, !user.isEmpty else { throw bad("no user") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw bad("no database name after the host (or more than one)")
        }
        var port = 5432
        if let given = components.port {
            guard (1...65_535).contains(given) else { throw bad("port \(given) out of 1-65535") }
            port = given
        }
        var tls = TLSMode.prefer
        var timeout = 10.0
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value, let mode = TLSMode(rawValue: value) else {
                    throw bad(
                        "sslmode '\(item.value ?? "")' is not one of "
                            + TLSMode.allCases.map(\.rawValue).joined(separator: ", "))
                }
                tls = mode
            case "connect_timeout":
                guard let value = item.value.flatMap(Double.init), value > 0, value <= 3600
                else {
                    throw bad("connect_timeout '\(item.value ?? "")' is not 1 to 3600 seconds")
                }
                timeout = value
            default:
                throw bad(
                    "unknown parameter '\(item.name)' (known: sslmode, connect_timeout)")
            }
        }
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        self.port = port
        self.user = components.user?.removingPercentEncoding ?? user
        self.password =
            components.password.map { $0.removingPercentEncoding ?? $0 }
            ?? environment["PGPASSWORD"]
        self.database = database.removingPercentEncoding ?? database
        self.tls = tls
        self.connectTimeout = timeout
    }

    /// `text` with any password replaced by `***`, for messages.
    public static func redacted(_ text: String) -> String {
        guard let at = text.lastIndex(of: "@"),
            let scheme = text.range(of: "://"), scheme.upperBound < at
        else { return text }
        let credentials = text[scheme.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }
}
