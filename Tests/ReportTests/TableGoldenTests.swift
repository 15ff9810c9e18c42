import Foundation
import Testing
@testable import Report

/// Golden strings for the small fixture, checked by hand: BP 92.00 ± 2.00, SDFA 90.00 ± 2.65
/// (√0.0007 = 0.026458), SHD BP a single seed (no ±), SHD SDFA n = 2 of 3 seeds.
@Suite struct TableGoldenTests {
  let table = Report.accuracyTable(Fixtures.small)

  @Test func markdown() {
    #expect(table.markdown() == MD + "\n")
  }

  @Test func finalAccuracyMarksExcludedNaN() {
    #expect(Report.accuracyTable(Fixtures.small, metric: .final, references: []).markdown() == MDFINAL + "\n")
  }

  @Test func latex() {
    #expect(table.latex() == TEX + "\n")
  }

  @Test func csv() {
    let text = table.csv()
    #expect(text.hasSuffix("\r\n"))
    #expect(text.components(separatedBy: "\r\n").dropLast() == CSV)
  }
}

private let MD = #"""
    **Test accuracy, BP against SDFA**

    | Dataset | Classes | Neuron | Model | Setup | BP (%) | SDFA (%) | Δ (pp) | Paper BP (%) | Paper SDFA (%) | Paper Δ (pp) |
    |:--|--:|:--|:--|:--|--:|--:|--:|--:|--:|--:|
    | N-MNIST | 10 | LIF | MLP | 2 FC | 92.00 ± 2.00 | 90.00 ± 2.65 | −2.00 | 98.52 | 97.92 | −0.60 |
    | SHD | 20 | IF | MLP | 3 FC | 70.00 (n=1) | 61.00 ± 15.56 (n=2) | −9.00 | 74.09 | 73.29 | −0.80 |

    *Best test accuracy in percent, mean ± sample standard deviation over seeds (no ± where one seed ran). Best = best over epochs, on the test set (the reference's protocol; optimistic). Δ = SDFA − BP in percentage points. Paper: Ren et al., ICCAD 2025. Data: synthetic. Spec quick (sha256 0123456789ab). Seeds 0–2 (3). sdfa 0.1.0. Run 2026-11-29.*
    """#

private let MDFINAL = #"""
    **Test accuracy, BP against SDFA**

    | Dataset | Classes | Neuron | Model | Setup | BP (%) | SDFA (%) | Δ (pp) |
    |:--|--:|:--|:--|:--|--:|--:|--:|
    | N-MNIST | 10 | LIF | MLP | 2 FC | 92.00 ± 2.00 | 89.00 ± 2.65 | −3.00 |
    | SHD | 20 | IF | MLP | 3 FC | 70.00 (n=1) | 72.00 (n=1, 1 NaN excluded) | +2.00 |

    *Final test accuracy in percent, mean ± sample standard deviation over seeds (no ± where one seed ran). Final = after the last epoch. Δ = SDFA − BP in percentage points. Data: synthetic. Spec quick (sha256 0123456789ab). Seeds 0–2 (3). sdfa 0.1.0. Run 2026-11-29.*
    """#

private let TEX = #"""
    % Needs \usepackage{booktabs}; compiles as is with pdflatex (\input this file).
    % Data: synthetic. Spec quick (sha256 0123456789ab). Seeds 0–2 (3). sdfa 0.1.0. Run 2026-11-29.
    \begin{table}[t]
      \centering
      \small
      \setlength{\tabcolsep}{3pt}
      \caption{Test accuracy, BP against SDFA. Best test accuracy in percent, mean $\pm$ sample standard deviation over seeds (no $\pm$ where one seed ran). Best = best over epochs, on the test set (the reference's protocol; optimistic). $\Delta$ = SDFA $-$ BP in percentage points. Paper: Ren et al., ICCAD 2025.}
      \label{tab:quick-accuracy}
      \begin{tabular}{@{}lrlllrrrrrr@{}}
        \toprule
        Dataset & Classes & Neuron & Model & Setup & \begin{tabular}[b]{@{}r@{}}BP\\(\%)\end{tabular} & \begin{tabular}[b]{@{}r@{}}SDFA\\(\%)\end{tabular} & \begin{tabular}[b]{@{}r@{}}$\Delta$\\(pp)\end{tabular} & \begin{tabular}[b]{@{}r@{}}Paper BP\\(\%)\end{tabular} & \begin{tabular}[b]{@{}r@{}}Paper SDFA\\(\%)\end{tabular} & \begin{tabular}[b]{@{}r@{}}Paper $\Delta$\\(pp)\end{tabular} \\
        \midrule
        N-MNIST & 10 & LIF & MLP & 2 FC & $92.00 \pm 2.00$ & $90.00 \pm 2.65$ & $-2.00$ & $98.52$ & $97.92$ & $-0.60$ \\
        SHD & 20 & IF & MLP & 3 FC & $70.00$ (n=1) & $61.00 \pm 15.56$ (n=2) & $-9.00$ & $74.09$ & $73.29$ & $-0.80$ \\
        \bottomrule
      \end{tabular}
    \end{table}
    """#

private let CSV = [
  #"# Test accuracy, BP against SDFA"#,
  #"# Data: synthetic. Spec quick (sha256 0123456789ab). Seeds 0–2 (3). sdfa 0.1.0. Run 2026-11-29."#,
  #"dataset,classes,neuron,model,setup,bp_mean,bp_std,bp_n,sdfa_mean,sdfa_std,sdfa_n,delta,paper_bp,paper_sdfa,paper_delta"#,
  #"N-MNIST,10,LIF,MLP,2 FC,92,2,3,90,2.64575131106,3,-2,98.52,97.92,-0.6"#,
  #"SHD,20,IF,MLP,3 FC,70,,1,61,15.5563491861,2,-9,74.09,73.29,-0.8"#,
]
