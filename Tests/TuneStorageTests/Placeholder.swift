import Testing
@testable import TuneStorage
