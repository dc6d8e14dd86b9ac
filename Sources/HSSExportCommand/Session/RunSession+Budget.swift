import ExportPipeline
import Logging

extension RunSession {
    /// The host-wide budget the run shares with other hss-export processes on
    /// this machine, or `nil` when `HSS_EXPORT_HOST_BUDGET=off` or the ledger
    /// directory is unusable (then a warning: the run goes on under its own
    /// budget, which 429s still correct, rather than fail a cron job over a
    /// directory). `requestTimeout` caps the entries of processes that died
    /// mid-request.
    func hostBudget(environment: [String: String]? = nil, requestTimeout: Duration = .seconds(30)) -> (any SharedRequestBudget)? {
        let environment = environment ?? self.environment
        if let setting = environment["HSS_EXPORT_HOST_BUDGET"]?.lowercased() {
            switch setting {
            case "off", "0", "false", "no":
                logger.debug("host-wide budget off (HSS_EXPORT_HOST_BUDGET)")
                return nil
            case "", "on", "1", "true", "yes":
                break
            default:
                logger.warning("HSS_EXPORT_HOST_BUDGET=\(setting) is not on or off; taken as on")
            }
        }
        let ledger = HostBudgetLedger(
            directory: HostBudgetLedger.defaultDirectory(environment: environment), requestTimeout: requestTimeout, logger: logger)
        do {
            try ledger.prepareDirectory()
        } catch {
            logger.warning("\(error); requests count in this run's budget only")
            return nil
        }
        logger.debug("host-wide budget", metadata: ["dir": "\(ledger.directory)"])
        return ledger
    }
}
