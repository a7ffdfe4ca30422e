/* pci_edu: edu's BAR0 at bus address 0x40000000 = CPU address (no bus
 * offset). Body in pci_edu.h. */
#define BAR_BUS 0x40000000
#include "pci_edu.h"
