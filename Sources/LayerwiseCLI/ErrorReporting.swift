import ArgumentParser
import Foundation

/// Writes a message to standard error, ending it with a newline.
func printError(_ text: String) {
    let line = text.hasSuffix("\n") ? text : text + "\n"
    FileHandle.standardError.write(Data(line.utf8))
}

/// Runs a command's work; any error prints its own description (every stage's errors read
/// like compiler diagnostics) on standard error and exits with status 1.
func reportingErrors(_ work: () throws -> Void) throws {
    do {
        try work()
    } catch let exit as ExitCode {
        throw exit
    } catch let validation as ValidationError {
        throw validation
    } catch {
        printError(String(describing: error))
        throw ExitCode.failure
    }
}
