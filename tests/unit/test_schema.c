#include <CUnit/CUnit.h>
void	test_schema_register(void);
void
test_schema_register(void)
{
}
