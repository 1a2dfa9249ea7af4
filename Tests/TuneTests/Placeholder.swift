import Testing
@testable import Tune
