import Testing
@testable import TuneSearch
