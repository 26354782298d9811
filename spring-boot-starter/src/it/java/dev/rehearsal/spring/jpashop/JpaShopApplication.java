package dev.rehearsal.spring.jpashop;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * The shop with a JPA entity ({@link Customer}), found by Boot's JPA as a user's would be: in the application's
 * package. A package of its own, so that the other scenarios' application has no entity.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class JpaShopApplication {
}
